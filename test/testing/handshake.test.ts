import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionNotReadyError,
  ProxySimulator,
  type ProxySimulatorOptions,
  RequestTimeoutError,
  SimulatorOptionsError,
} from '../../src/testing/index.js';
import {
  connectRemote,
  destroyAllRemotes,
  openSession,
  RAC,
  RAC_WITH_CREDENTIALS,
} from './raw-remote.js';

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

describe('init request', () => {
  it('without authentication sends DPI as soon as the Remote connects, CR LF terminated (§3.1)', async () => {
    const s = await start({ keepaliveHintMs: 3000 });
    const remote = await connectRemote(s.port);
    // Nothing written yet by the Remote: a real Proxy without auth does not wait for the RAC.
    await remote.waitForLine(/DPI/);
    expect(remote.received()).toBe(
      'ID0|DPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|3000\r\n',
    );
    const conn = await s.waitForConnection();
    expect(conn.status).toBe('initializing');
    remote.send(RAC);
    remote.send('ID0|DPI|S|ARI.version|S|1.9.1');
    await conn.waitForInit();
    expect(conn.status).toBe('ready');
    expect(conn.violations).toEqual([]);
  });

  it.each([
    ['with credentials', { credentials: { user: 'my_user', password: 'my_password' } }],
    ['with waitForCredentials', { waitForCredentials: true }],
  ])('%s waits for RAC before DPI', async (_, options) => {
    const s = await start({ keepaliveHintMs: 3000, ...options });
    const remote = await connectRemote(s.port);
    const conn = await s.waitForConnection();
    expect(conn.status).toBe('authenticating');
    expect(remote.received()).toBe('');
    remote.send(RAC_WITH_CREDENTIALS);
    await remote.waitForLine(/DPI/);
    expect(remote.received()).toBe(
      'ID0|DPI|S|ARI.version|S|1.9.1|S|keepalive_hint.millis|S|3000\r\n',
    );
    expect(conn.credentials).toEqual([
      ['user', 'my_user'],
      ['password', 'my_password'],
      ['enableClosePacket', 'true'],
      ['SDK', 'Node.js Adapter SDK'],
    ]);
    remote.send('ID0|DPI|S|ARI.version|S|1.9.1');
    const reply = await conn.waitForInit();
    expect(reply).toEqual({
      kind: 'reply',
      method: 'DPI',
      id: 'ID0',
      params: [['ARI.version', '1.9.1']],
    });
    expect(conn.status).toBe('ready');
    expect(conn.dialect.version).toBe('1.9.1');
    expect(conn.violations).toEqual([]);
    expect(conn.warnings).toEqual([]);
  });

  it.each([
    ['1.8.2', '1.8.2', '1.8.2'],
    ['1.8.3', '1.8.3', '1.8.3'],
    ['1.9.0', '1.9.0', '1.9.0'],
    ['1.9.1', '1.9.1', '1.9.1'],
    ['1.9.100', '1.9.1', '1.9.1'],
  ])('offers %s; an answer of %s negotiates %s', async (offered, answer, spoken) => {
    const s = await start({ version: offered, initParams: { 'adapters_conf.id': 'DEMO' } });
    const { remote, conn } = await openSession(s, {
      reply: (id) => `${id}|DPI|S|ARI.version|S|${answer}`,
    });
    expect(remote.lines[0]).toBe(`ID0|DPI|S|ARI.version|S|${offered}|S|adapters_conf.id|S|DEMO`);
    expect(conn.dialect.version).toBe(spoken);
    expect(conn.violations).toEqual([]);
  });

  it('leaves ARI.version out when the version is null (Server 7.0) and accepts a V reply', async () => {
    const s = await start({
      version: null,
      initParams: [
        ['adapters_conf.id', 'DEMO'],
        ['data_provider.name', 'STOCKLIST'],
      ],
    });
    const { remote, conn } = await openSession(s, { reply: (id) => `${id}|DPI|V` });
    expect(remote.lines[0]).toBe(
      'ID0|DPI|S|adapters_conf.id|S|DEMO|S|data_provider.name|S|STOCKLIST',
    );
    expect(conn.initReply).toEqual({ kind: 'reply', method: 'DPI', id: 'ID0', params: null });
    expect(conn.dialect.version).toBe('1.8.0');
    expect(conn.violations).toEqual([]);
  });

  it('writes the DPI of the Server 7.4 transcript byte for byte (V13)', async () => {
    const s = await start({
      nextRequestId: () => '1000001853f9ac178',
      initParams: [
        ['data_provider.name', 'DEFAULT'],
        ['adapters_conf.id', 'PROXY_HELLOWORLD_SOCKETS'],
      ],
    });
    const remote = await connectRemote(s.port);
    remote.send(RAC);
    await remote.waitForLine(/DPI/);
    expect(remote.received()).toBe(
      '1000001853f9ac178|DPI|S|ARI.version|S|1.9.1|S|data_provider.name|S|DEFAULT|S|adapters_conf.id|S|PROXY_HELLOWORLD_SOCKETS\r\n',
    );
  });

  it('old-encodes init parameters (V12) and sends MPI for a metadata adapter', async () => {
    const s = await start({
      kind: 'metadata',
      version: '1.9.100',
      initParams: [
        ['P1 \r', 'V1 𩥪'],
        ['P2 $', '#'],
      ],
    });
    const { remote } = await openSession(s);
    expect(remote.lines[0]).toBe(
      'ID0|MPI|S|ARI.version|S|1.9.100|S|P1+%0D|S|V1+%F0%A9%A5%AA|S|P2+%24|S|%23',
    );
  });

  it('sends ARI.version where initParams places it, instead of the version option', async () => {
    const s = await start({
      initParams: [
        ['P1', 'V1'],
        ['ARI.version', '1.9.0'],
      ],
    });
    const { remote, conn } = await openSession(s, {
      reply: (id) => `${id}|DPI|S|ARI.version|S|1.9.0`,
    });
    expect(remote.lines[0]).toBe('ID0|DPI|S|P1|S|V1|S|ARI.version|S|1.9.0');
    expect(conn.dialect.version).toBe('1.9.0');
  });

  it('returns an error reply as such and refuses requests afterwards', async () => {
    const s = await start({ version: '1.9.0' });
    const { conn } = await openSession(s, {
      reply: (id) => `${id}|DPI|E|Unsupported+Proxy+Adapter+version`,
    });
    expect(conn.initReply?.error).toEqual({
      tag: 'E',
      message: 'Unsupported Proxy Adapter version',
    });
    expect(conn.status).toBe('init-failed');
    await expect(conn.subscribe('item1')).rejects.toBeInstanceOf(ConnectionNotReadyError);
    expect(conn.violations).toEqual([]);
  });

  it('reports an answer above the offered version, and an answer with no version', async () => {
    const s = await start({ version: '1.9.0' });
    const { conn } = await openSession(s, { reply: (id) => `${id}|DPI|S|ARI.version|S|1.9.1` });
    expect(conn.violations.map((v) => v.code)).toEqual(['bad-version']);
    const second = await openSession(s, { reply: (id) => `${id}|DPI|S|other|S|x` });
    expect(second.conn.violations.map((v) => v.code)).toEqual(['bad-version']);
  });

  it('with autoInit false, waits for init() and refuses requests before it', async () => {
    const s = await start({ autoInit: false });
    const remote = await connectRemote(s.port);
    remote.send(RAC);
    const conn = await s.waitForConnection();
    await conn.recorder.waitForLine((e) => e.message?.kind === 'credentials');
    expect(conn.status).toBe('authenticated');
    await expect(conn.subscribe('item1')).rejects.toBeInstanceOf(ConnectionNotReadyError);
    expect(remote.received()).toBe('');
    const init = conn.init([['ARI.version', '1.8.1']], { id: 'X1' });
    expect(await remote.waitForLine(/DPI/)).toBe('X1|DPI|S|ARI.version|S|1.8.1');
    remote.send('X1|DPI|E|Unsupported+reserved+protocol+version+number%3A+1.8.1');
    const reply = await init;
    expect(reply.error?.message).toBe('Unsupported reserved protocol version number: 1.8.1');
    await expect(conn.init()).rejects.toBeInstanceOf(ConnectionNotReadyError);
  });

  it('rejects an unanswered init after its timeout, naming the request', async () => {
    const s = await start({ autoInit: false });
    const remote = await connectRemote(s.port);
    remote.send(RAC);
    const conn = await s.waitForConnection();
    const error = await conn.init(undefined, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain('DPI ID0');
  });
});

describe('credentials', () => {
  const credentials = { user: 'my_user', password: 'my_password' };

  it('accepts the configured credentials', async () => {
    const s = await start({ credentials });
    const { conn } = await openSession(s, { rac: RAC_WITH_CREDENTIALS });
    expect(conn.status).toBe('ready');
  });

  it.each([
    ['wrong', '1|RAC|S|user|S|my_user|S|password|S|bad|S|enableClosePacket|S|true'],
    ['missing', RAC],
  ])('answers %s credentials with CLOSE wrong+credentials, then closes', async (_, rac) => {
    const s = await start({ credentials });
    const remote = await connectRemote(s.port);
    remote.send(rac);
    await remote.waitForEnd();
    expect(remote.received()).toBe('0|CLOSE|S|reason|S|wrong+credentials\r\n');
    const conn = s.connections[0];
    expect(await conn?.waitForClose()).toEqual({
      initiator: 'simulator',
      reason: 'wrong credentials',
    });
    expect(conn?.initReply).toBeUndefined();
  });

  it.each([
    ['the RAC does not ask for it', '1.9.1', '1|RAC|S|user|S|x|S|password|S|y'],
    ['the offered version predates CLOSE', '1.8.2', '1|RAC|S|user|S|x|S|enableClosePacket|S|true'],
  ])('closes without CLOSE when %s', async (_, version, rac) => {
    const s = await start({ credentials, version });
    const remote = await connectRemote(s.port);
    remote.send(rac);
    await remote.waitForEnd();
    expect(remote.received()).toBe('');
  });

  it.each([
    ['a keepalive', 'KEEPALIVE'],
    ['the init reply', 'ID0|DPI|S|ARI.version|S|1.9.1'],
  ])(
    'fails a connection whose first line is %s, not RAC (the real "protocol error")',
    async (_, first) => {
      const s = await start();
      const remote = await connectRemote(s.port);
      await remote.waitForLine(/DPI/);
      remote.send(first);
      await remote.waitForEnd();
      const conn = s.connections[0];
      expect((await conn?.waitForClose())?.reason).toBe('protocol error');
      expect(conn?.violations.map((v) => v.code)).toEqual(['credentials-not-first']);
      expect(conn?.initReply).toBeUndefined();
      expect(remote.lines).toEqual(['ID0|DPI|S|ARI.version|S|1.9.1']);
    },
  );

  it('reports a RAC with an id other than 1 and a second RAC', async () => {
    const s = await start();
    const { remote, conn } = await openSession(s, { rac: RAC.replace(/^1\|/, '7|') });
    remote.send(RAC);
    await conn.waitForViolation({ code: 'unexpected-credentials' });
    expect(conn.violations.map((v) => v.code)).toEqual([
      'bad-credentials-id',
      'unexpected-credentials',
    ]);
  });
});

describe('options', () => {
  it('rejects an unknown kind and a bad port with the option named', () => {
    expect(() => new ProxySimulator({ kind: 'x' as 'data' })).toThrow(SimulatorOptionsError);
    expect(() => new ProxySimulator({ kind: 'data', port: 70_000 })).toThrow(/"port"/);
  });

  it('generates distinct hex request ids by default', async () => {
    sim = await new ProxySimulator({ kind: 'data' }).start();
    const a = await openSession(sim);
    const b = await openSession(sim);
    const idA = a.remote.lines[0]?.split('|')[0] ?? '';
    const idB = b.remote.lines[0]?.split('|')[0] ?? '';
    expect(idA).toMatch(/^[0-9a-f]{17}$/);
    expect(idB).toMatch(/^[0-9a-f]{17}$/);
    expect(idA).not.toBe(idB);
  });
});
