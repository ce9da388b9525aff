/**
 * What a conforming Remote never writes and the simulator reports (PROTOCOL.md §2.7, §4.3, §4.4,
 * §5.1, §5.3), and the request ids it refuses to send (§1.5). Literal lines only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidRequestIdError,
  type ProxyConnection,
  ProxyConnectionClosedError,
  ProxySimulator,
  type ProxySimulatorOptions,
} from '../../src/testing/index.js';
import {
  connectRemote,
  destroyAllRemotes,
  openSession,
  RAC,
  type RawRemote,
} from './raw-remote.js';

const TS = '1700000000000';
let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function session(options: Partial<ProxySimulatorOptions> = {}, answer = '1.9.1') {
  sim = await new ProxySimulator({ kind: 'data', ...options }).start();
  const method = options.kind === 'metadata' ? 'MPI' : 'DPI';
  return openSession(sim, { reply: (id) => `${id}|${method}|S|ARI.version|S|${answer}` });
}

async function subscribed(remote: RawRemote, conn: ProxyConnection, id = 'S1') {
  const reply = conn.subscribe('item1', { id });
  await remote.waitForLine(`${id}|SUB|S|item1`);
  remote.send(`${id}|SUB|V`);
  await reply;
}

function codes(conn: ProxyConnection): string[] {
  return conn.violations.map((v) => v.code);
}

describe('snapshot sequence (§4.3)', () => {
  it.each([
    ['after an EOS', [`${TS}|EOS|S|item1|S|S1`, `${TS}|UD3|S|item1|S|S1|B|1|S|f|S|late`]],
    [
      'after a real-time update',
      [`${TS}|UD3|S|item1|S|S1|B|0|S|f|S|x`, `${TS}|UD3|S|item1|S|S1|B|1|S|f|S|late`],
    ],
    ['as a second EOS', [`${TS}|EOS|S|item1|S|S1`, `${TS}|EOS|S|item1|S|S1`]],
  ])('reports a snapshot event %s', async (_, lines) => {
    const { remote, conn } = await session();
    await subscribed(remote, conn);
    for (const line of lines) remote.send(line);
    const violation = await conn.waitForViolation();
    expect(codes(conn)).toEqual(['snapshot-after-end']);
    expect(violation.line).toBe(lines[1]);
  });

  it('starts over with the next subscription of the item', async () => {
    const { remote, conn } = await session();
    await subscribed(remote, conn, 'S1');
    remote.send(`${TS}|EOS|S|item1|S|S1`);
    const usb = conn.unsubscribe('item1', { id: 'U1' });
    await remote.waitForLine(/USB/);
    remote.send('U1|USB|V');
    await usb;
    await subscribed(remote, conn, 'S2');
    remote.send(`${TS}|UD3|S|item1|S|S2|B|1|S|f|S|snapshot`);
    remote.send(`${TS}|EOS|S|item1|S|S2`);
    await conn.waitForNotification('EOS', { predicate: (n) => n.message.subscriptionId === 'S2' });
    expect(codes(conn)).toEqual([]);
  });
});

describe('reply order per item (§4.4)', () => {
  it('reports a USB reply that overtakes the reply to its SUB', async () => {
    const { remote, conn } = await session();
    const sub = conn.subscribe('item1', { id: 'S1' });
    const usb = conn.unsubscribe('item1', { id: 'U1' });
    await remote.waitForLine(/USB/);
    remote.send('U1|USB|V');
    remote.send('S1|SUB|V');
    await Promise.all([sub, usb]);
    expect(codes(conn)).toEqual(['reply-out-of-order']);
    expect(conn.violations[0]?.message).toContain('SUB S1');
  });

  it('reports a SUB reply that overtakes the USB of the previous subscription', async () => {
    const { remote, conn } = await session();
    await subscribed(remote, conn, 'S1');
    const usb = conn.unsubscribe('item1', { id: 'U1' });
    const sub = conn.subscribe('item1', { id: 'S2' });
    await remote.waitForLine(/S2\|SUB/);
    remote.send('S2|SUB|V');
    remote.send('U1|USB|V');
    await Promise.all([sub, usb]);
    expect(codes(conn)).toEqual(['reply-out-of-order']);
  });

  it('does not mind replies of different items in any order', async () => {
    const { remote, conn } = await session();
    const a = conn.subscribe('a', { id: 'SA' });
    const b = conn.subscribe('b', { id: 'SB' });
    await remote.waitForLine(/SB\|SUB/);
    remote.send('SB|SUB|V');
    remote.send('SA|SUB|V');
    await Promise.all([a, b]);
    expect(codes(conn)).toEqual([]);
  });
});

describe('reply content', () => {
  it.each([
    ['GIT', 'FAKEID|GIT|I|10|D|0.5|M|RM'],
    ['GUI', 'FAKEID|GUI|I|30|D|3|M|RMDC|I|40|D|2.25|M|M|I|1|D|1|M|M'],
  ])('reports a %s reply without one entry per requested item (§5.1)', async (method, reply) => {
    const { remote, conn } = await session({ kind: 'metadata' });
    const pending =
      method === 'GIT'
        ? conn.getItemData(['An Item Name1', 'An Item Name2'], { id: 'FAKEID' })
        : conn.getUserItemData('user', ['item 1', 'item 2'], { id: 'FAKEID' });
    await remote.waitForLine(/^FAKEID\|/);
    remote.send(reply);
    await pending;
    expect(codes(conn)).toEqual(['bad-reply']);
  });

  it.each([
    ['NNS|I|3600', 'NNS'],
    ['NNT|B|1|B|0', 'NNT'],
  ])('reports the Java-only %s reply at a negotiated 1.8.3 (§5.3)', async (tail, method) => {
    const { remote, conn } = await session({ kind: 'metadata' }, '1.8.3');
    const pending =
      method === 'NNS'
        ? conn.notifyNewSession('user', 'S1', {}, { id: 'R' })
        : conn.notifyNewTables('user', 'S1', [], { id: 'R' });
    await remote.waitForLine(/^R\|/);
    remote.send(`R|${tail}`);
    await pending;
    expect(codes(conn)).toEqual(['unsupported-in-version']);
  });

  it('reports ER below 1.9.0 and accepts it from 1.9.0 on (§2.7)', async () => {
    for (const [answer, expected] of [
      ['1.8.3', ['forbidden-error-tag']],
      ['1.9.1', []],
    ] as const) {
      const { remote, conn } = await session({ kind: 'metadata' }, answer);
      const pending = conn.notifyUser('user', 'pw', {}, { id: 'R' });
      await remote.waitForLine(/^R\|NUS/);
      remote.send('R|NUS|ER|Try+later');
      expect((await pending).error?.tag).toBe('ER');
      expect(codes(conn)).toEqual(expected);
      await sim?.close();
    }
  });
});

describe('FST/FUS ids (§5.3)', () => {
  it('reports a reserved id and an id still pending, and answers neither', async () => {
    const answers: Array<() => void> = [];
    const { remote, conn } = await session({
      kind: 'metadata',
      onControlRequest: () =>
        new Promise((resolve) => answers.push(() => resolve({ value: true }))),
    });
    remote.send('2|FUS|S|S1|I|1');
    remote.send('64|FUS|S|S1|I|1');
    remote.send('64|FUS|S|S1|I|2');
    await conn.waitForViolation({ after: (await conn.waitForViolation()).seq });
    expect(codes(conn)).toEqual(['bad-control-request-id', 'bad-control-request-id']);
    expect(answers).toHaveLength(1);
    answers[0]?.();
    await remote.waitForLine('64|FUS|B|1');
    // Answered: the Remote may use the id again.
    remote.send('64|FUS|S|S1|I|3');
    await conn.recorder.waitForLine((e) => e.line === '64|FUS|S|S1|I|3');
    expect(answers).toHaveLength(2);
    answers[1]?.();
    await remote.waitForLineCount(3);
    expect(remote.lines.slice(1)).toEqual(['64|FUS|B|1', '64|FUS|B|1']);
    expect(codes(conn)).toHaveLength(2);
  });
});

describe('request ids (§1.5)', () => {
  it.each(['0', '1', '2', '', 'a|b', 'a\r\nb'])('refuses to send id %j', async (id) => {
    const { remote, conn } = await session();
    await expect(conn.subscribe('item1', { id })).rejects.toBeInstanceOf(InvalidRequestIdError);
    expect(remote.lines).toHaveLength(1);
  });

  it('ends the connection with the reason when the id generator gives a reserved id', async () => {
    sim = await new ProxySimulator({ kind: 'data', nextRequestId: () => '1' }).start();
    const remote = await connectRemote(sim.port);
    remote.send(RAC);
    const conn = await sim.waitForConnection();
    const end = await conn.waitForClose();
    expect(end.reason).toMatch(/^no init sent: Request id "1" cannot be used/);
    await expect(conn.waitForInit()).rejects.toBeInstanceOf(ProxyConnectionClosedError);
    expect(remote.received()).toBe('');
  });
});
