/**
 * PROTOCOL.md §1.3 (framing), §1.4 (tokens) and §6.3 (protocol errors, [canonical]) over a real
 * socket: what the Remote writes is CR LF terminated on every connection with no BOM; what it
 * reads may use LF, CR LF, several CRs, empty lines, a BOM at the start and UTF-8 split across
 * reads; a malformed or unexpected line gets no reply, keeps the connection and is reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataProviderServer } from '../../src/sdk/data-provider-server.js';
import { MetadataProvider } from '../../src/sdk/metadata-provider.js';
import { MetadataProviderServer } from '../../src/sdk/metadata-provider-server.js';
import type { ProviderServer } from '../../src/sdk/provider-server.js';
import type { RawConnection } from '../helpers/raw-proxy.js';
import { DEFAULT_RAC, expectLines, FakeDataProvider, handshake, TestBed } from './harness.js';

const bed = new TestBed();
afterEach(() => bed.cleanup());

/** Collects the server's protocolError events. */
function protocolErrors(server: ProviderServer): Error[] {
  const errors: Error[] = [];
  server.on('protocolError', (error) => errors.push(error));
  return errors;
}

describe('§1.3 framing of what the Proxy writes', () => {
  it('accepts empty lines, several CRs, a BOM at the start of the stream, and mixed terminators', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const started = server.start();
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.sendRaw('\uFEFF\r\n\nID0|DPI|S|ARI.version|S|1.9.1|S|P1|S|V1\r\r\n\n\r\n');
    await expectLines(connection, 'ID0|DPI|S|ARI.version|S|1.9.1');
    await started;
    expect(provider.initParams).toEqual({ P1: 'V1' });
    connection.sendRaw('ID1|SUB|S|a\nID2|SUB|S|b\r\n\r\nID3|SUB|S|c\r\r\r\n');
    await expectLines(
      connection,
      '<ts>|EOS|S|a|S|ID1',
      'ID1|SUB|V',
      '<ts>|EOS|S|b|S|ID2',
      'ID2|SUB|V',
      '<ts>|EOS|S|c|S|ID3',
      'ID3|SUB|V',
    );
    expect(provider.calls).toEqual([
      'init',
      'setListener',
      'subscribe:a',
      'subscribe:b',
      'subscribe:c',
    ]);
  });

  it('reassembles a line and a multi-byte character written in pieces', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const connection = await handshake(proxy, server);
    const bytes = Buffer.from('ID1|SUB|S|value 𩥪 €\r\n', 'utf8');
    const cut = bytes.indexOf(0xf0) + 2; // inside the 4-byte character
    connection.socket.write(bytes.subarray(0, cut));
    await new Promise((resolve) => setImmediate(resolve));
    connection.socket.write(bytes.subarray(cut));
    await expectLines(connection, '<ts>|EOS|S|value 𩥪 €|S|ID1', 'ID1|SUB|V');
    expect(provider.calls).toContain('subscribe:value 𩥪 €');
  });
});

describe('§1.3 framing of what the Remote writes', () => {
  it('every line of both connections ends with CR LF, keepalives included, and no BOM', async () => {
    const proxy = await bed.proxy({ notify: true });
    const provider = new FakeDataProvider();
    const server = bed.track(
      new DataProviderServer(provider, {
        host: proxy.host,
        port: proxy.port,
        notifyPort: proxy.notifyPort,
        keepaliveMs: 50,
      }),
    );
    const started = server.start();
    const rr = await proxy.accept();
    const ntf = await proxy.acceptNotify();
    await expectLines(rr, DEFAULT_RAC);
    await expectLines(ntf, '<ts>|RAC|S|enableClosePacket|S|true|S|SDK|S|lsadapter');
    rr.send('ID0|DPI|S|ARI.version|S|1.9.0');
    await expectLines(rr, 'ID0|DPI|S|ARI.version|S|1.9.0');
    await started;
    rr.send('ID1|SUB|S|item');
    await expectLines(rr, 'ID1|SUB|V');
    provider.listener?.update('item', { f: 'v' }, false);
    await expectLines(ntf, '<ts>|EOS|S|item|S|ID1', '<ts>|UD3|S|item|S|ID1|B|0|S|f|S|v');
    expect(await rr.nextLine({ keepalives: true })).toBe('KEEPALIVE');
    expect(await ntf.nextLine({ keepalives: true })).toBe('KEEPALIVE');
    for (const connection of [rr, ntf]) {
      expect(connection.badTerminators).toEqual([]);
      expect(connection.lines[0]).toMatch(/^[0-9]+\|RAC\|/);
      expect(connection.lines.every((line) => !line.includes('\uFEFF'))).toBe(true);
    }
  });
});

/** Lines no Data Adapter may answer (§1.4, §6.3, V62), each with why. */
const DATA_UNANSWERED: Array<[why: string, line: string, malformed: boolean]> = [
  ['unknown method', 'FAKEID|WHAT|S|An Item Name', true],
  ['unknown method, untyped', 'FAKEID|WHAT|An Item Name', true],
  ['a bare KEEPALIVE', 'KEEPALIVE', false],
  ['CLOSE with an id other than 0', '1|CLOSE|S|reason|S|x', true],
  ['no separator at all', 'NOPIPE', true],
  ['bad type tag', 'ID1|SUB|X|item', true],
  ['missing value token', 'ID1|SUB|S', true],
  ['missing argument', 'ID1|SUB', true],
  ['extra tokens', 'ID1|SUB|S|item|S|extra', true],
  ['bad % escape', 'ID1|SUB|S|bad%ZZescape', true],
  ['truncated % escape', 'ID1|SUB|S|bad%2', true],
  ['empty last token', 'ID1|SUB|S|', true],
  ['empty token inside', 'ID1||SUB|S|item', true],
  ['empty id', '|SUB|S|item', true],
  ['null item', 'ID1|SUB|S|#', true],
  ['a metadata request', 'ID1|NUS|S|user|S|password', false],
  ['an MPI', 'ID1|MPI|S|ARI.version|S|1.9.1', false],
  ['a second DPI', 'ID1|DPI|S|ARI.version|S|1.9.1', false],
  ['an FST reply', '64|FST|V', false],
  ['a USB for an item never subscribed', 'ID1|USB|S|ghost', false],
];

describe('§6.3 a Data Adapter answers nothing to malformed or unexpected lines and goes on', () => {
  it.each(DATA_UNANSWERED)('%s: %s', async (_why, line, malformed) => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const errors = protocolErrors(server);
    const connection = await handshake(proxy, server);
    connection.send(line, 'SENT|SUB|S|sentinel');
    await expectLines(connection, '<ts>|EOS|S|sentinel|S|SENT', 'SENT|SUB|V');
    expect(connection.unread()).toEqual([]);
    expect(provider.calls).toEqual(['init', 'setListener', 'subscribe:sentinel']);
    expect(errors.length).toBe(malformed ? 1 : 0);
    expect(server.status).toBe('connected');
  });

  it('before the init: requests, malformed lines and a bad DPI get nothing; a valid DPI then works', async () => {
    const proxy = await bed.proxy();
    const provider = new FakeDataProvider();
    const server = bed.track(new DataProviderServer(provider, proxy));
    const started = server.start();
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send(
      'FAKEID|SUB|S|An Item Name',
      'FAKEID|USB|S|An Item Name',
      'ID0|DPI|S|ARI.version',
      'ID0|DPI|S|ARI.version|S|',
      'ID0|NUS|S|user|S|password',
      'KEEPALIVE',
      'ID0|DPI|S|ARI.version|S|1.9.1',
    );
    await expectLines(connection, 'ID0|DPI|S|ARI.version|S|1.9.1');
    await started;
    connection.send('SENT|SUB|S|sentinel');
    await expectLines(connection, '<ts>|EOS|S|sentinel|S|SENT', 'SENT|SUB|V');
    expect(provider.calls).toEqual(['init', 'setListener', 'subscribe:sentinel']);
  });
});

/** Lines no Metadata Adapter may answer. */
const METADATA_UNANSWERED: Array<[why: string, line: string]> = [
  ['unknown method', 'FAKEID|WHAT|S|x'],
  ['GIS missing its session', 'ID1|GIS|S|user|S|group'],
  ['GIS with extra tokens', 'ID1|GIS|S|user|S|group|S|S1|S|extra'],
  ['NSC with extra tokens', 'ID1|NSC|S|S1|S|extra'],
  ['NUM missing its message', 'ID1|NUM|S|user|S|S1'],
  ['NUS missing the password', 'ID1|NUS|S|user'],
  ['NUS with an odd header list', 'ID1|NUS|S|user|S|password|S|header'],
  ['GIT with an empty token', 'ID1|GIT|S|'],
  ['MDA with a bad platform', 'ID1|MDA|S|user|S|S1|P|X|S|app|S|token'],
  ['MDA with extra tokens', 'ID1|MDA|S|user|S|S1|P|A|S|app|S|token|S|x'],
  ['NNT with a truncated table', 'ID1|NNT|S|user|S|S1|I|1|M|M|S|g'],
  ['NNT with a bad mode', 'ID1|NNT|S|user|S|S1|I|1|M|Q|S|g|S|da|S|s|I|1|I|1|S|#|I|0'],
  ['NTC without the statistics count', 'ID1|NTC|S|S1|I|1|M|M|S|g|S|da|S|s|I|1|I|1|S|#|I|0'],
  ['bad % escape', 'ID1|NSC|S|%G1'],
  ['a Data Adapter request', 'ID1|SUB|S|item'],
  ['a DPI', 'ID1|DPI|S|ARI.version|S|1.9.1'],
  ['a second MPI', 'ID1|MPI|S|ARI.version|S|1.9.1'],
  ['an FUS reply nobody waits for', '99|FUS|B|1'],
  ['a bare KEEPALIVE', 'KEEPALIVE'],
  ['CLOSE with an id other than 0', '2|CLOSE|S|reason|S|x'],
];

describe('§6.3 a Metadata Adapter answers nothing to malformed or unexpected lines and goes on', () => {
  it('every line of the table, then a sentinel request is served', async () => {
    const proxy = await bed.proxy();
    const server = bed.track(new MetadataProviderServer(new MetadataProvider(), proxy));
    const init = 'ID0|MPI|S|ARI.version|S|1.9.1';
    const connection: RawConnection = await handshake(proxy, server, init, init);
    for (const [, line] of METADATA_UNANSWERED) {
      connection.send(line, 'SENT|NSC|S|S1');
      await expectLines(connection, 'SENT|NSC|V');
    }
    expect(connection.unread()).toEqual([]);
    expect(server.status).toBe('connected');
  });

  it('before the init: requests get nothing; the MPI then works', async () => {
    const proxy = await bed.proxy();
    const server = bed.track(new MetadataProviderServer(new MetadataProvider(), proxy));
    const started = server.start();
    const connection = await proxy.accept();
    await expectLines(connection, DEFAULT_RAC);
    connection.send('ID1|NSC|S|S1', 'ID2|GIS|S|u|S|g|S|S1', 'ID0|MPI|S|ARI.version|S|1.9.1');
    await expectLines(connection, 'ID0|MPI|S|ARI.version|S|1.9.1');
    await started;
    connection.send('SENT|NSC|S|S1');
    await expectLines(connection, 'SENT|NSC|V');
    expect(connection.unread()).toEqual([]);
  });
});
