/**
 * MetadataProviderServer over loopback with a raw fake Proxy: the MPI vectors (V17–V20), a few
 * request round trips (V44, V48), the Java-only control requests (V57), per-session ordering and
 * concurrency.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MetadataProviderError } from '../../src/sdk/errors.js';
import { type MetadataControlListener, MetadataProvider } from '../../src/sdk/metadata-provider.js';
import { MetadataProviderServer } from '../../src/sdk/metadata-provider-server.js';
import type { ServerOptions } from '../../src/sdk/server-options.js';
import { InitError } from '../../src/session/handshake.js';
import { deferred, expectLines, handshake, TestBed } from './harness.js';

const bed = new TestBed();
afterEach(() => bed.cleanup());

class RecordingMetadata extends MetadataProvider {
  initParams: Record<string, string> | undefined;
  readonly calls: string[] = [];
  override init(params: Readonly<Record<string, string>>): void {
    this.initParams = { ...params };
  }
}

async function opened(
  provider: MetadataProvider | object,
  terminator: '\r\n' | '\n' = '\r\n',
  options: Partial<ServerOptions> = {},
) {
  const proxy = await bed.proxy({ terminator });
  const server = bed.track(
    new MetadataProviderServer(provider, { host: proxy.host, port: proxy.port, ...options }),
  );
  const started = server.start();
  started.catch(() => {});
  const connection = await proxy.accept();
  await expectLines(connection, '1|RAC|S|enableClosePacket|S|true|S|SDK|S|lsadapter');
  return { server, started, connection };
}

describe.each([
  ['CR LF', '\r\n'],
  ['LF', '\n'],
] as const)('MPI vectors, input terminated by %s', (_name, terminator) => {
  it('V17 MPI 1.9.1', async () => {
    const provider = new RecordingMetadata();
    const { connection, started } = await opened(provider, terminator);
    connection.send(
      'ID0|MPI|S|P1|S|V1|S|ARI.version|S|1.9.1|S|P2|S|V2|S|keepalive_hint.millis|S|8000',
    );
    await expectLines(connection, 'ID0|MPI|S|ARI.version|S|1.9.1');
    await started;
    expect(provider.initParams).toEqual({ P1: 'V1', P2: 'V2' });
  });

  it('V18 MPI from a 7.3 Proxy echoes 1.9.0', async () => {
    const { connection, started } = await opened(new RecordingMetadata(), terminator);
    connection.send('ID0|MPI|S|ARI.version|S|1.9.0');
    await expectLines(connection, 'ID0|MPI|S|ARI.version|S|1.9.0');
    await started;
  });

  it.each([
    ['1.8.3', '10000010c3e4d0462|MPI|S|ARI.version|S|1.8.3'],
    ['1.8.2', '10000010c3e4d0462|MPI|S|ARI.version|S|1.8.2'],
    ['1.8.4', '10000010c3e4d0462|MPI|S|ARI.version|S|1.8.3'],
    [null, '10000010c3e4d0462|MPI|V'],
  ])('V19 MPI offering %s, local parameters win', async (version, reply) => {
    const provider = new RecordingMetadata();
    const { connection, started } = await opened(provider, terminator, {
      params: { 'proxy.instance_id': 'my_local_meta_provider' },
    });
    const offer = version === null ? '' : `|S|ARI.version|S|${version}`;
    connection.send(
      `10000010c3e4d0462|MPI${offer}|S|adapters_conf.id|S|DEMO|S|proxy.instance_id|S|hewbc3ikbbctyui`,
    );
    await expectLines(connection, reply);
    await started;
    expect(provider.initParams).toEqual({
      'adapters_conf.id': 'DEMO',
      'proxy.instance_id': 'my_local_meta_provider',
    });
  });

  it('V19 MPI offering 1.8.1 is refused', async () => {
    const { connection, started } = await opened(new RecordingMetadata(), terminator);
    connection.send(
      '10000010c3e4d0462|MPI|S|ARI.version|S|1.8.1|S|adapters_conf.id|S|DEMO|S|proxy.instance_id|S|hewbc3ikbbctyui',
    );
    await expectLines(
      connection,
      '10000010c3e4d0462|MPI|E|Unsupported+reserved+protocol+version+number%3A+1.8.1',
    );
    await expect(started).rejects.toBeInstanceOf(InitError);
  });

  it.each([
    ['any error', () => new Error('An error'), 'ID0|MPI|E|An+error'],
    [
      'a Metadata-Provider error',
      () => new MetadataProviderError('An error'),
      'ID0|MPI|EM|An+error',
    ],
  ])('V20 init throws %s', async (_kind, make, reply) => {
    const provider = new RecordingMetadata();
    provider.init = () => {
      throw make();
    };
    const { connection, started } = await opened(provider, terminator);
    connection.send('ID0|MPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, reply);
    await expect(started).rejects.toBeInstanceOf(InitError);
  });
});

async function ready(provider: MetadataProvider | object, init = 'ID0|MPI|S|ARI.version|S|1.9.1') {
  const proxy = await bed.proxy();
  const server = bed.track(new MetadataProviderServer(provider, proxy));
  const reply = init.includes('1.8.3')
    ? 'ID0|MPI|S|ARI.version|S|1.8.3'
    : 'ID0|MPI|S|ARI.version|S|1.9.1';
  const connection = await handshake(proxy, server, init, reply);
  return { server, connection };
}

describe('metadata requests', () => {
  it('V44 notify user, with a custom and with a default adapter', async () => {
    class Users extends MetadataProvider {
      seen: unknown[] = [];
      override notifyUser(user: string | null, password: string | null, headers: object): void {
        this.seen.push(user, password, { ...headers });
      }
      override getAllowedMaxBandwidth(): number {
        return 12.34;
      }
      override wantsTablesNotification(): boolean {
        return true;
      }
    }
    const users = new Users();
    const { connection } = await ready(users);
    const nus =
      'FAKEID|NUS|S|user|S|password|S|header1|S|value 1|S|header2|S|value 2|S|REQUEST_ID|S|FAKEREQID';
    connection.send(nus);
    await expectLines(connection, 'FAKEID|NUS|D|12.34|B|1');
    expect(users.seen).toEqual([
      'user',
      'password',
      { header1: 'value 1', header2: 'value 2', REQUEST_ID: 'FAKEREQID' },
    ]);
    const plain = await ready({});
    plain.connection.send(nus);
    await expectLines(plain.connection, 'FAKEID|NUS|D|0|B|0');
  });

  it('V48 user message: custom adapter accepts, default base class refuses', async () => {
    class Messages extends MetadataProvider {
      override notifyUserMessage(): void {}
    }
    const custom = await ready(new Messages());
    custom.connection.send('FAKEID|NUM|S|user|S|FAKESESSID|S|This is a message');
    await expectLines(custom.connection, 'FAKEID|NUM|V');
    const base = await ready(new MetadataProvider());
    base.connection.send('FAKEID|NUM|S|user|S|FAKESESSID|S|This is a message');
    await expectLines(base.connection, 'FAKEID|NUM|EC|Unsupported function|0|#');
  });

  it('a session NSC never overtakes its NNS; other requests are not held back', async () => {
    const nnsDone = deferred();
    const order: string[] = [];
    const provider = {
      notifyNewSession: async (_user: string | null, sessionId: string) => {
        order.push(`NNS ${sessionId}`);
        await nnsDone.promise;
      },
      notifySessionClose: (sessionId: string) => {
        order.push(`NSC ${sessionId}`);
      },
    };
    const { connection } = await ready(provider);
    connection.send('A1|NNS|S|user|S|S1', 'A2|NSC|S|S1', 'B1|GIS|S|user|S|item1 item2|S|S2');
    await expectLines(connection, 'B1|GIS|S|item1|S|item2');
    expect(order).toEqual(['NNS S1']);
    nnsDone.resolve();
    await expectLines(connection, 'A1|NNS|V', 'A2|NSC|V');
    expect(order).toEqual(['NNS S1', 'NSC S1']);
  });
});

describe('V57 control requests (Java extensions, 1.9.x)', () => {
  class Controlled extends MetadataProvider {
    control: MetadataControlListener | null = null;
    override setListener(listener: MetadataControlListener): void {
      super.setListener(listener);
      this.control = listener;
    }
    override getSessionTimeToLive(): number {
      return 3600;
    }
    override enableTableUnsubscription(): boolean {
      return true;
    }
  }

  it('NNS TTL and NNT flags replies', async () => {
    const { connection } = await ready(new Controlled());
    connection.send('FAKEID|NNS|S|user|S|S1');
    await expectLines(connection, 'FAKEID|NNS|I|3600');
    connection.send(
      'FAKEID|NNT|S|user|S|S1|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
    );
    await expectLines(connection, 'FAKEID|NNT|B|1|B|0');
  });

  it('forceSessionTermination, forceUnsubscription and failure round trips', async () => {
    const provider = new Controlled();
    const { connection } = await ready(provider);
    const control = provider.control as MetadataControlListener;
    const plain = control.forceSessionTermination('S1');
    const plainId = (await connection.nextLine()).split('|')[0] as string;
    expect(plainId).toMatch(/^[0-9a-f]+$/);
    const withCause = control.forceSessionTermination('S1', { code: -5, message: 'Kicked out' });
    const causeLine = await connection.nextLine();
    expect(causeLine.slice(causeLine.indexOf('|'))).toBe('|FST|S|S1|I|-5|S|Kicked out');
    const causeId = causeLine.split('|')[0] as string;
    connection.send(`${plainId}|FST|V`, `${causeId}|FST|E|Unknown session`);
    await expect(plain).resolves.toBeUndefined();
    await expect(withCause).rejects.toThrow('Unknown session');
    const unsubscription = control.forceUnsubscription('S1', 3);
    const fus = await connection.nextLine();
    expect(fus.slice(fus.indexOf('|'))).toBe('|FUS|S|S1|I|3');
    connection.send(`${fus.split('|')[0]}|FUS|B|0`);
    await expect(unsubscription).resolves.toBe(false);
    control.failure('Disk full');
    await expectLines(connection, '2|FAL|E|Disk full');
  });

  it('below 1.9.0 control requests reject at once and nothing is written', async () => {
    const provider = new Controlled();
    const { connection } = await ready(provider, 'ID0|MPI|S|ARI.version|S|1.8.3');
    const control = provider.control as MetadataControlListener;
    await expect(control.forceSessionTermination('S1')).rejects.toThrow(/1\.9\.0/);
    connection.send('X|NSC|S|S1');
    await expectLines(connection, 'X|NSC|V');
  });

  it('closing the connection rejects a pending control request', async () => {
    const provider = new Controlled();
    const { connection, server } = await ready(provider);
    const pending = (provider.control as MetadataControlListener).forceUnsubscription('S1', 1);
    await connection.nextLine();
    connection.drop();
    await expect(pending).rejects.toThrow(/closed/);
    await server.closed;
  });
});
