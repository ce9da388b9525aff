/**
 * What an independent Remote may legally write, and the simulator must accept without a
 * violation (PROTOCOL.md §1.3, §1.5, §2.3, §3.2, §3.4, §3.5, §4.3, §5.1, §5.3). Every line is
 * literal: nothing here comes from the codec's encoder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ProxyConnection,
  ProxySimulator,
  type ProxySimulatorOptions,
} from '../../src/testing/index.js';
import { connectRemote, destroyAllRemotes, openSession, type RawRemote } from './raw-remote.js';

const TS = '1700000000000';
let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function start(options: Partial<ProxySimulatorOptions> = {}): Promise<ProxySimulator> {
  let n = 0;
  sim = await new ProxySimulator({
    kind: 'data',
    nextRequestId: () => `ID${n++}`,
    ...options,
  }).start();
  return sim;
}

/** Subscribes `item` with id `id`; the Remote answers with `lines` (its reply among them). */
async function subscribeWith(
  remote: RawRemote,
  conn: ProxyConnection,
  item: string,
  id: string,
  lines: string[],
) {
  const reply = conn.subscribe(item, { id });
  await remote.waitForLine(`${id}|SUB|S|${item}`);
  for (const line of lines) remote.send(line);
  return reply;
}

describe('framing and the RAC', () => {
  it('accepts LF-only lines (Node writes them) with a single warning', async () => {
    const s = await start();
    const remote = await connectRemote(s.port);
    remote.sendRaw('1|RAC|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK\n');
    await remote.waitForLine(/DPI/);
    remote.sendRaw('KEEPALIVE\nID0|DPI|S|ARI.version|S|1.9.1\nKEEPALIVE\n');
    const conn = await s.waitForConnection({ initialized: true });
    await conn.waitForKeepalive({ after: conn.keepalives()[0] });
    expect(conn.status).toBe('ready');
    expect(conn.violations).toEqual([]);
    expect(conn.warnings.map((w) => w.code)).toEqual(['lf-terminator']);
  });

  it.each([
    ['keys in another order', '1|RAC|S|SDK|S|X|S|password|S|my_password|S|user|S|my_user'],
    ['no SDK pair', '1|RAC|S|user|S|my_user|S|password|S|my_password|S|enableClosePacket|S|true'],
    ['no enableClosePacket', '1|RAC|S|user|S|my_user|S|password|S|my_password'],
    ['.NET lower-case hex', '1|RAC|S|user|S|my%5fuser|S|password|S|my_password'],
  ])('accepts configured credentials with %s', async (_, rac) => {
    const s = await start({ credentials: { user: 'my_user', password: 'my_password' } });
    const { conn } = await openSession(s, { rac });
    expect(conn.status).toBe('ready');
    expect(conn.violations).toEqual([]);
  });

  it('accepts keepalives between the RAC and the init reply', async () => {
    const s = await start();
    const { conn } = await openSession(s, {
      reply: (id) => `KEEPALIVE\r\nKEEPALIVE\r\n${id}|DPI|S|ARI.version|S|1.9.1`,
    });
    expect(conn.keepalives()).toHaveLength(2);
    expect(conn.violations).toEqual([]);
  });
});

describe('init replies', () => {
  it('accepts extra S|name|S|value pairs after ARI.version (§3.5)', async () => {
    const s = await start();
    const { conn } = await openSession(s, {
      reply: (id) => `${id}|DPI|S|ARI.version|S|1.9.1|S|some+name|S|some+value`,
    });
    expect(conn.initReply?.params).toEqual([
      ['ARI.version', '1.9.1'],
      ['some name', 'some value'],
    ]);
    expect(conn.violations).toEqual([]);
  });

  it('accepts V when no version was offered (Server 7.0) and then speaks 1.8.0', async () => {
    const s = await start({
      kind: 'metadata',
      version: null,
      initParams: { 'adapters_conf.id': 'DEMO' },
    });
    const { remote, conn } = await openSession(s, { reply: (id) => `${id}|MPI|V` });
    expect(conn.dialect.version).toBe('1.8.0');
    const reply = conn.getItems('a user', 'a b', 'S1', { id: 'G1' });
    expect(await remote.waitForLine(/GIS/)).toBe('G1|GIS|S|a+user|S|a+b|S|S1');
    remote.send('G1|GIS|S|a|S|b');
    expect((await reply).names).toEqual(['a', 'b']);
    expect(conn.violations).toEqual([]);
  });

  it.each([
    ['DPI', 'data', 'ED|An+exception', { tag: 'ED', message: 'An exception' }],
    [
      'DPI',
      'data',
      'E|Unsupported+Proxy+Adapter+version',
      { tag: 'E', message: 'Unsupported Proxy Adapter version' },
    ],
    ['MPI', 'metadata', 'EM|An+error', { tag: 'EM', message: 'An error' }],
    [
      'MPI',
      'metadata',
      'E|Unsupported+protocol+version',
      { tag: 'E', message: 'Unsupported protocol version' },
    ],
  ] as const)(
    'takes a refused %s init (%s) as init-failed, without a violation (V15, V16, V20)',
    async (method, kind, tail, error) => {
      const s = await start({ kind });
      const { conn } = await openSession(s, { reply: (id) => `${id}|${method}|${tail}` });
      expect(conn.status).toBe('init-failed');
      expect(conn.initReply?.error).toEqual(error);
      expect(conn.violations).toEqual([]);
    },
  );

  it('speaks 1.8.3 (old encoding, 1.8 layouts) after a 1.8.3 answer to a 1.9.1 offer (§3.4, Python)', async () => {
    const s = await start({ kind: 'metadata' });
    const { remote, conn } = await openSession(s, {
      reply: (id) => `${id}|MPI|S|ARI.version|S|1.8.3`,
    });
    expect(conn.dialect.version).toBe('1.8.3');
    const reply = conn.notifyNewTables('user 1', 'S1', [
      { winIndex: 1, mode: 'MERGE', group: 'item 1', schema: 'f|1', dataAdapter: 'QUOTES' },
    ]);
    expect(await remote.waitForLine(/NNT/)).toBe(
      'ID1|NNT|S|user+1|S|S1|I|1|M|M|S|item+1|S|f%7C1|I|1|I|2|S|#',
    );
    remote.send('ID1|NNT|V');
    await reply;
    expect(conn.violations).toEqual([]);
  });
});

describe('replies', () => {
  it('matches replies that come in any order by their id (§1.5)', async () => {
    const s = await start({ kind: 'metadata' });
    const { remote, conn } = await openSession(s);
    const first = conn.notifySessionClose('S1', { id: 'A' });
    const second = conn.notifySessionClose('S2', { id: 'B' });
    await remote.waitForLine(/^B\|/);
    remote.send('B|NSC|E|second');
    remote.send('A|NSC|V');
    expect(await first).toEqual({ kind: 'reply', method: 'NSC', id: 'A' });
    expect((await second).error).toEqual({ tag: 'E', message: 'second' });
    expect(conn.violations).toEqual([]);
  });

  it.each([
    ['NNS|V', 'NNS', { ttlSeconds: null }],
    ['NNS|I|0', 'NNS', { ttlSeconds: 0 }],
    ['NNT|V', 'NNT', { enableUnsubscription: false, wantsFinalStatistics: false }],
    ['NNT|B|0|B|0', 'NNT', { enableUnsubscription: false, wantsFinalStatistics: false }],
  ])('accepts %s at 1.9.x (§5.3: both forms are valid)', async (tail, method, expected) => {
    const s = await start({ kind: 'metadata' });
    const { remote, conn } = await openSession(s);
    const reply =
      method === 'NNS'
        ? conn.notifyNewSession('user', 'S1', {}, { id: 'R' })
        : conn.notifyNewTables('user', 'S1', [], { id: 'R' });
    await remote.waitForLine(/^R\|/);
    remote.send(`R|${tail}`);
    expect(await reply).toMatchObject(expected);
    expect(conn.violations).toEqual([]);
  });

  it.each([
    ['GIS', 'R|GIS|', { names: [] }],
    ['GIT', 'R|GIT|', { itemData: [] }],
  ])(
    'takes an empty %s list written with a trailing | (Node, V43) with a warning',
    async (method, line, expected) => {
      const s = await start({ kind: 'metadata' });
      const { remote, conn } = await openSession(s);
      const reply =
        method === 'GIS'
          ? conn.getItems('user', 'g', 'S1', { id: 'R' })
          : conn.getItemData([], { id: 'R' });
      await remote.waitForLine(/^R\|/);
      remote.send(line);
      expect(await reply).toEqual({ kind: 'reply', method, id: 'R', ...expected });
      expect(conn.violations).toEqual([]);
      expect(conn.warnings.map((w) => [w.code, w.line])).toEqual([['trailing-separator', line]]);
    },
  );

  it('still reports an empty token inside a line', async () => {
    const s = await start({ kind: 'metadata' });
    const { remote, conn } = await openSession(s);
    remote.send('R|GIS||S|x');
    expect((await conn.waitForViolation()).code).toBe('malformed-line');
  });

  it('decodes an error message written # as null (§2.7)', async () => {
    const s = await start({ kind: 'metadata' });
    const { remote, conn } = await openSession(s);
    const reply = conn.getItems('user', 'g', 'S1', { id: 'R' });
    await remote.waitForLine(/^R\|/);
    remote.send('R|GIS|E|#');
    expect((await reply).error).toEqual({ tag: 'E', message: null });
  });

  it('smart-decodes percent escapes of any character, in either case (§2.3)', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    await subscribeWith(remote, conn, 'item1', 'S1', ['S1|SUB|V']);
    remote.send(
      `${TS}|UD3|S|item%31|S|S1|B|0|S|f%69eld|S|%e2%82%ac%20x%2b|S|json|S|%7B%22a%22%3A1%7D`,
    );
    const update = await conn.waitForUpdate({ item: 'item1' });
    expect(update.fields).toEqual({ field: '€ x+', json: '{"a":1}' });
    expect(conn.violations).toEqual([]);
  });
});

describe('notifications', () => {
  it.each([
    ['Java order: EOS, then SUB|V', [`${TS}|EOS|S|item1|S|S1`, 'S1|SUB|V']],
    ['Node order: SUB|V, then EOS', ['S1|SUB|V', `${TS}|EOS|S|item1|S|S1`]],
  ])('accepts the automatic EOS in %s (§4.3)', async (_, lines) => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    await subscribeWith(remote, conn, 'item1', 'S1', lines);
    await conn.waitForNotification('EOS');
    remote.send(`${TS}|UD3|S|item1|S|S1|B|0|S|f|S|x`);
    await conn.waitForUpdate();
    expect(conn.violations).toEqual([]);
  });

  it('accepts an EOS before an error reply (Java order, §4.3)', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    const reply = await subscribeWith(remote, conn, 'item1', 'S1', [
      `${TS}|EOS|S|item1|S|S1`,
      'S1|SUB|EU|no',
    ]);
    expect(reply.error?.tag).toBe('EU');
    expect(conn.violations).toEqual([]);
  });

  it('accepts any digits as <ts>, the tutorial 0 included (§1.5)', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    await subscribeWith(remote, conn, 'item1', 'S1', ['S1|SUB|V']);
    remote.send('0|UD3|S|item1|S|S1|B|0|S|f|S|a');
    remote.send('17000000000001234|UD3|S|item1|S|S1|B|0|S|f|S|b');
    await conn.waitForUpdates(2);
    expect(conn.violations).toEqual([]);
    expect(conn.warnings).toEqual([]);
  });

  it('accepts a snapshot, its EOS, real-time updates and a CLS (§4.3)', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    await subscribeWith(remote, conn, 'item1', 'S1', ['S1|SUB|V']);
    for (const line of [
      `${TS}|UD3|S|item1|S|S1|B|1|S|f|S|a`,
      `${TS}|UD3|S|item1|S|S1|B|1|S|f|S|b`,
      `${TS}|EOS|S|item1|S|S1`,
      `${TS}|UD3|S|item1|S|S1|B|0|S|f|S|c`,
      `${TS}|CLS|S|item1|S|S1`,
      `${TS}|UD3|S|item1|S|S1|B|0|S|f|S|d`,
    ])
      remote.send(line);
    await conn.waitForUpdate({ predicate: (u) => u.fields.f === 'd' });
    expect(conn.violations).toEqual([]);
  });

  it('accepts the late-subscription replies of V33 in order, and the events of each live id', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s);
    const ids = ['ID1', 'ID2', 'ID3', 'ID4', 'ID5', 'ID6'];
    const replies = ids.map((id, i) =>
      i % 2 === 0 ? conn.subscribe('item1', { id }) : conn.unsubscribe('item1', { id }),
    );
    await remote.waitForLine(/^ID6\|USB/);
    for (const line of [
      `${TS}|EOS|S|item1|S|ID1`,
      'ID1|SUB|V',
      'ID2|USB|V',
      'ID3|SUB|EU|Subscribe request come too late',
      'ID4|USB|V',
      'ID5|SUB|EU|Subscribe request come too late',
      'ID6|USB|V',
    ])
      remote.send(line);
    await Promise.all(replies);
    const last = await subscribeWith(remote, conn, 'item1', 'ID7', [
      `${TS}|EOS|S|item1|S|ID7`,
      'ID7|SUB|V',
    ]);
    expect(last.error).toBeUndefined();
    await conn.waitForNotification('EOS', { predicate: (n) => n.message.subscriptionId === 'ID7' });
    expect(conn.violations).toEqual([]);
  });
});
