/**
 * The version each kind offers, the option checks, the keepalive hint a real Proxy derives from
 * its keepalive timeout, and when the keepalive timeout announces itself with CLOSE
 * (PROTOCOL.md §1.2, §3.3, §3.4, §6.1, §6.2).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProxySimulator,
  type ProxySimulatorOptions,
  SimulatorOptionsError,
} from '../../src/testing/index.js';
import { connectRemote, destroyAllRemotes, openSession, RAC } from './raw-remote.js';

const TS = '1700000000000';
const NOTIFY_RAC = `${TS}|RAC|S|enableClosePacket|S|true`;
let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function start(options: ProxySimulatorOptions): Promise<ProxySimulator> {
  sim = await new ProxySimulator({ nextRequestId: () => 'ID0', ...options }).start();
  return sim;
}

describe('offered version per kind', () => {
  it.each([
    ['metadata', 'ID0|MPI|S|ARI.version|S|1.9.1'],
    ['data', 'ID0|DPI|S|ARI.version|S|1.9.1'],
    ['data-two-connections', 'ID0|DPI|S|ARI.version|S|1.9.0'],
  ] as const)('%s offers by default: %s', async (kind, line) => {
    const s = await start({ kind });
    const rr = await connectRemote(s.port);
    rr.send(RAC);
    if (kind === 'data-two-connections') (await connectRemote(s.notifyPort ?? 0)).send(NOTIFY_RAC);
    expect(await rr.waitForLine(/PI\|/)).toBe(line);
  });

  it('offers 1.9.1 on two connections when asked (a 7.4 Proxy with a notify port)', async () => {
    const s = await start({ kind: 'data-two-connections', version: '1.9.1' });
    const rr = await connectRemote(s.port);
    rr.send(RAC);
    (await connectRemote(s.notifyPort ?? 0)).send(NOTIFY_RAC);
    expect(await rr.waitForLine(/DPI/)).toBe('ID0|DPI|S|ARI.version|S|1.9.1');
    rr.send('ID0|DPI|S|ARI.version|S|1.9.1');
    const conn = await s.waitForConnection({ initialized: true });
    expect(conn.dialect.version).toBe('1.9.1');
    expect(conn.violations).toEqual([]);
  });

  it("offers 1.9.0 to a single connection when asked, to test the Remote's refusal (V16)", async () => {
    const s = await start({ kind: 'data', version: '1.9.0' });
    const { remote, conn } = await openSession(s, {
      reply: (id) => `${id}|DPI|E|Unsupported+Proxy+Adapter+version`,
    });
    expect(remote.lines[0]).toBe('ID0|DPI|S|ARI.version|S|1.9.0');
    expect(conn.status).toBe('init-failed');
    expect(conn.violations).toEqual([]);
  });
});

describe('option checks', () => {
  it.each([
    [{ kind: 'data', version: null, credentials: { user: 'u', password: 'p' } }, 'credentials'],
    [
      { kind: 'metadata', version: '1.8.0', credentials: { user: 'u', password: 'p' } },
      'credentials',
    ],
    [{ kind: 'data', keepaliveHintMs: 1.5 }, 'keepaliveHintMs'],
    [{ kind: 'data', version: '' }, 'version'],
    [{ kind: 'data', keepaliveTimeoutMs: 0 }, 'keepaliveTimeoutMs'],
  ] as Array<[ProxySimulatorOptions, string]>)('refuses %j naming %s', (options, option) => {
    const error = (() => {
      try {
        new ProxySimulator(options);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SimulatorOptionsError);
    expect((error as SimulatorOptionsError).option).toBe(option);
  });

  it('accepts credentials from 1.8.2 on and a hint <= 0', () => {
    expect(
      () =>
        new ProxySimulator({
          kind: 'data-two-connections',
          version: '1.8.2',
          credentials: { user: 'u', password: 'p' },
          keepaliveHintMs: -1,
        }),
    ).not.toThrow();
  });
});

describe('keepalive hint', () => {
  it.each([
    [3000, 'ID0|MPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|1500'],
    [10000, 'ID0|MPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|8000'],
  ])('derives it from keepaliveTimeoutMs %d as a real Proxy does (§3.3)', async (timeout, line) => {
    const s = await start({ kind: 'metadata', keepaliveTimeoutMs: timeout });
    const { remote } = await openSession(s);
    expect(remote.lines[0]).toBe(line);
  });

  it('sends the explicit hint, or none with null', async () => {
    const s = await start({ kind: 'metadata', keepaliveTimeoutMs: 10000, keepaliveHintMs: null });
    expect((await openSession(s)).remote.lines[0]).toBe('ID0|MPI|S|ARI.version|S|1.9.1');
    await s.close();
    const t = await start({ kind: 'metadata', keepaliveHintMs: -1 });
    expect((await openSession(t)).remote.lines[0]).toBe(
      'ID0|MPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|-1',
    );
  });
});

describe('keepalive timeout', () => {
  it('closes without CLOSE after a 1.8.2 negotiation (no CLOSE in that version, §6.2)', async () => {
    const s = await start({ kind: 'data', keepaliveTimeoutMs: 200, keepaliveHintMs: null });
    const { remote, conn } = await openSession(s, {
      reply: (id) => `${id}|DPI|S|ARI.version|S|1.8.2`,
    });
    expect((await conn.waitForClose()).reason).toBe('keepalive timeout');
    await remote.waitForEnd();
    expect(remote.lines).toEqual(['ID0|DPI|S|ARI.version|S|1.9.1']);
  });

  it('closes with CLOSE before the init only if the RAC asked for it', async () => {
    for (const [rac, expected] of [
      [RAC, ['0|CLOSE|S|reason|S|keepalive+timeout']],
      ['1|RAC|S|SDK|S|x', []],
    ] as const) {
      const s = await start({ kind: 'data', keepaliveTimeoutMs: 200, autoInit: false });
      const remote = await connectRemote(s.port);
      remote.send(rac);
      await remote.waitForEnd();
      expect(remote.lines).toEqual(expected);
      await s.close();
    }
  });

  it('watches each socket of a two-connection pair on its own (§6.1)', async () => {
    const s = await start({
      kind: 'data-two-connections',
      keepaliveTimeoutMs: 400,
      keepaliveHintMs: null,
    });
    const rr = await connectRemote(s.port);
    rr.send(RAC);
    const ntf = await connectRemote(s.notifyPort ?? 0);
    ntf.send(NOTIFY_RAC);
    await rr.waitForLine(/DPI/);
    rr.send('ID0|DPI|S|ARI.version|S|1.9.0');
    const conn = await s.waitForConnection({ initialized: true });
    // Keepalives on the request/reply socket only (a Remote with one shared timer): the silent
    // notify socket times out all the same.
    const ticker = setInterval(() => rr.send('KEEPALIVE'), 100);
    try {
      const end = await conn.waitForClose({ timeoutMs: 3_000 });
      expect(end).toEqual({ initiator: 'simulator', reason: 'keepalive timeout' });
      expect(conn.keepalives().every((k) => k.channel === 'main')).toBe(true);
    } finally {
      clearInterval(ticker);
    }
    await rr.waitForEnd();
    await ntf.waitForEnd();
    expect(rr.lines.at(-1)).toBe('0|CLOSE|S|reason|S|keepalive+timeout');
    expect(ntf.received()).toBe('');
  });
});
