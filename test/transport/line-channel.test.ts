import { createConnection, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineTooLongError } from '../../src/protocol/errors.js';
import { writeLineText } from '../../src/protocol/index.js';
import { dial } from '../../src/transport/dial.js';
import { ConnectionClosedError, OutboundQueueOverflowError } from '../../src/transport/errors.js';
import {
  FLUSH_THRESHOLD_BYTES,
  LineChannel,
  type LineChannelOptions,
  OUTBOUND_BUFFER_BYTES,
} from '../../src/transport/line-channel.js';
import { type LoopbackServer, recordLines, startLoopbackServer } from '../helpers/loopback.js';
import { waitForEvent, waitUntil } from '../helpers/wait-for.js';

interface Connected {
  channel: LineChannel;
  /** The channel's socket (client side). */
  socket: Socket;
  /** The accepted socket (server side). */
  peer: Socket;
  srv: LoopbackServer;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connect(options: LineChannelOptions = {}): Promise<Connected> {
  const srv = await startLoopbackServer();
  cleanups.push(() => srv.close());
  const socket = await dial({ host: srv.host, port: srv.port });
  cleanups.push(() => socket.destroy());
  const peer = await srv.nextConnection();
  const channel = new LineChannel(socket, options);
  cleanups.push(() => channel.destroy());
  return { channel, socket, peer, srv };
}

function collectLines(channel: LineChannel): string[] {
  const lines: string[] = [];
  channel.on('line', (line) => lines.push(line));
  return lines;
}

/** Writes `part` on the peer and waits until the channel's socket has read it. */
async function deliver(peer: Socket, socket: Socket, part: Buffer): Promise<void> {
  const read = waitForEvent(socket, 'data', { what: 'a chunk at the channel' });
  peer.write(part);
  await read;
}

describe('LineChannel inbound', () => {
  it('reassembles lines split across reads, including inside UTF-8 characters', async () => {
    const { channel, socket, peer } = await connect();
    const lines = collectLines(channel);
    const bytes = Buffer.from('ID1|SUB|S|café €uro|S|1\r\nID2|USB|S|x\n', 'utf8');
    const e = bytes.indexOf(0xa9); // second byte of "é"
    const euro = bytes.indexOf(0x82); // second byte of "€"
    const cr = bytes.indexOf(0x0d);
    const cuts = [0, e, euro, euro + 1, cr + 1, bytes.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      expect(lines).toEqual([]);
      await deliver(peer, socket, bytes.subarray(cuts[i], cuts[i + 1]));
    }
    expect(lines).toEqual(['ID1|SUB|S|café €uro|S|1', 'ID2|USB|S|x']);
  });

  it('emits every line of a chunk in order, skipping empty lines', async () => {
    const { channel, socket, peer } = await connect();
    const lines = collectLines(channel);
    await deliver(peer, socket, Buffer.from('a\r\nb\nc\r\n\r\nd'));
    expect(lines).toEqual(['a', 'b', 'c']);
    await deliver(peer, socket, Buffer.from('e\n'));
    expect(lines).toEqual(['a', 'b', 'c', 'de']);
  });

  it('reports an over-long line as a protocol error and keeps the connection', async () => {
    const { channel, socket, peer } = await connect({ maxLineBytes: 16 });
    const lines = collectLines(channel);
    const errors: Error[] = [];
    channel.on('protocolError', (error) => errors.push(error));
    await deliver(peer, socket, Buffer.from(`${'x'.repeat(40)}\r\nok\r\n`));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(LineTooLongError);
    expect(lines).toEqual(['ok']);
    expect(channel.closed).toBe(false);
  });

  it('stops and resumes reading', async () => {
    const { channel, socket, peer } = await connect();
    const lines = collectLines(channel);
    channel.pauseReading();
    expect(socket.isPaused()).toBe(true);
    peer.write('1|MPI|S|ARI.version|S|1.9.1\r\n');
    channel.resumeReading();
    await waitUntil(() => lines.length === 1, { what: 'the line after resume' });
    expect(lines).toEqual(['1|MPI|S|ARI.version|S|1.9.1']);
  });
});

describe('LineChannel outbound', () => {
  it('batches the lines written in one tick into one socket write', async () => {
    const { channel, socket, peer } = await connect();
    const received = recordLines(peer);
    const write = vi.spyOn(socket, 'write');
    const expected = Array.from({ length: 1000 }, (_, i) => `${i}|UD3|S|item${i}|S|1|S|f|S|${i}`);
    for (const line of expected) expect(channel.write(line)).toBe(true);
    expect(write).not.toHaveBeenCalled(); // nothing goes out before the end of the tick
    await waitUntil(() => received.lines.length === expected.length, { what: '1000 lines' });
    expect(received.lines).toEqual(expected);
    expect(write).toHaveBeenCalledTimes(1);
    expect(received.chunks).toBeLessThan(50);
    expect(channel.linesWritten).toBe(1000);
    expect(channel.bytesWritten).toBe(Buffer.byteLength(expected.map((l) => `${l}\r\n`).join('')));
  });

  it('flushes at once when a batch grows past the flush threshold', async () => {
    const { channel, socket, peer } = await connect();
    const received = recordLines(peer);
    const write = vi.spyOn(socket, 'write');
    const line = 'x'.repeat(1000);
    const count = 200;
    for (let i = 0; i < count; i++) channel.write(line);
    const perFlush = Math.ceil(FLUSH_THRESHOLD_BYTES / (line.length + 2));
    const synchronous = Math.floor(count / perFlush);
    expect(write).toHaveBeenCalledTimes(synchronous);
    await waitUntil(() => received.lines.length === count, { what: `${count} lines` });
    expect(write).toHaveBeenCalledTimes(synchronous + (count % perFlush === 0 ? 0 : 1));
  });

  it('writeNow sends the pending lines and the new one in one write, synchronously', async () => {
    const { channel, socket, peer } = await connect();
    const received = recordLines(peer);
    const write = vi.spyOn(socket, 'write');
    channel.write('a');
    channel.write('b');
    expect(channel.writeNow('1|RAC|S|SDK|S|x')).toBe(true);
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0]?.[0])).toBe('a\r\nb\r\n1|RAC|S|SDK|S|x\r\n');
    await waitUntil(() => received.lines.length === 3, { what: 'three lines' });
    expect(received.lines).toEqual(['a', 'b', '1|RAC|S|SDK|S|x']);
  });

  it('records the time of the last flush on its clock', async () => {
    let now = 1;
    const { channel } = await connect({ now: () => now });
    expect(channel.lastWriteAt).toBe(1);
    now = 7;
    channel.write('KEEPALIVE');
    expect(channel.lastWriteAt).toBe(1);
    expect(channel.queuedBytes).toBe('KEEPALIVE\r\n'.length);
    channel.flush();
    expect(channel.lastWriteAt).toBe(7);
  });

  it('returns false above the high-water mark and emits drain once the peer reads again', async () => {
    const highWaterMark = 64 * 1024;
    const { channel, peer } = await connect({ highWaterMark });
    const received = recordLines(peer);
    peer.pause();
    const drains: number[] = [];
    channel.on('drain', () => drains.push(channel.queuedBytes));
    const expected: string[] = [];
    let accepted = true;
    // The kernel buffers absorb a few MB first; the bound only guards against a broken test.
    while (accepted && expected.length < 50_000) {
      const line = `${expected.length}|${'p'.repeat(1000)}`;
      expected.push(line);
      accepted = channel.write(line);
    }
    expect(accepted).toBe(false);
    expect(channel.queuedBytes).toBeGreaterThanOrEqual(highWaterMark);
    expect(drains).toEqual([]);
    const drained = waitForEvent(channel, 'drain');
    peer.resume();
    await drained;
    expect(drains).toHaveLength(1);
    expect(drains[0]).toBeLessThan(highWaterMark);
    expect(channel.write('after-drain')).toBe(true);
    expected.push('after-drain');
    await waitUntil(() => received.lines.length === expected.length, { what: 'every line' });
    expect(received.lines).toEqual(expected);
  });

  it('fails the connection past the hard cap instead of growing memory', async () => {
    const maxQueuedBytes = 256 * 1024;
    const { channel, socket, peer } = await connect({ highWaterMark: 16 * 1024, maxQueuedBytes });
    peer.pause();
    const closed = waitForEvent<[Error | undefined]>(channel, 'close');
    let writes = 0;
    while (channel.writable && writes < 50_000) {
      channel.write(`${writes++}|${'q'.repeat(1000)}`);
    }
    const [error] = await closed;
    expect(error).toBeInstanceOf(OutboundQueueOverflowError);
    const overflow = error as OutboundQueueOverflowError;
    expect(overflow.maxQueuedBytes).toBe(maxQueuedBytes);
    expect(overflow.queuedBytes).toBeGreaterThan(maxQueuedBytes);
    expect(overflow.message).toContain('the server stopped reading');
    expect(overflow.message).toContain('maxQueuedBytes');
    expect(socket.destroyed).toBe(true);
    expect(channel.write('late')).toBe(false);
  });
});

/** Every chunk handed to the socket, a copy of it at that moment, and whether the socket kept it. */
function recordChunks(socket: Socket): Array<{ chunk: Buffer; copy: Buffer; kept: boolean }> {
  const chunks: Array<{ chunk: Buffer; copy: Buffer; kept: boolean }> = [];
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
  vi.spyOn(socket, 'write').mockImplementation(((chunk: Buffer) => {
    const copy = Buffer.from(chunk);
    const accepted = write(chunk);
    chunks.push({ chunk, copy, kept: socket.writableLength > 0 });
    return accepted;
  }) as Socket['write']);
  return chunks;
}

/** A line whose content tells its number, of a length that varies with it. */
function numberedLine(n: number): string {
  return `${n}|${String(n % 97).repeat(50 + (n % 300))}`;
}

describe('LineChannel outbound buffer', () => {
  it('a paused reader: queued batches are never overwritten by later lines', async () => {
    const { channel, socket, peer } = await connect({ maxQueuedBytes: 64 * 1024 * 1024 });
    const received = recordLines(peer);
    const chunks = recordChunks(socket);
    peer.pause();
    let sent = 0;
    // Fill the kernel buffers, then keep writing for more turns while the socket queues.
    for (let turn = 0; turn < 1000; turn++) {
      for (let i = 0; i < 200; i++) channel.write(numberedLine(sent++));
      await nextTurn();
      if (chunks.filter((c) => c.kept).length >= 20) break;
    }
    const kept = chunks.filter((c) => c.kept);
    expect(kept.length).toBeGreaterThanOrEqual(20);
    for (const { chunk, copy } of kept) expect(chunk.equals(copy)).toBe(true);
    peer.resume();
    await waitUntil(() => received.lines.length === sent, {
      timeoutMs: 20_000,
      what: `${sent} lines`,
    });
    for (const { chunk, copy } of kept) expect(chunk.equals(copy)).toBe(true);
    received.lines.forEach((line, n) => {
      if (line !== numberedLine(n)) expect(line).toBe(numberedLine(n));
    });
    expect(Buffer.concat(chunks.map((c) => c.copy)).toString()).toBe(
      received.lines.map((l) => `${l}\r\n`).join(''),
    );
  });

  it('a socket still connecting keeps the chunk: the next batch goes to a new buffer', async () => {
    const srv = await startLoopbackServer();
    cleanups.push(() => srv.close());
    const socket = createConnection({ host: srv.host, port: srv.port });
    cleanups.push(() => socket.destroy());
    const channel = new LineChannel(socket);
    cleanups.push(() => channel.destroy());
    expect(channel.writeNow('the first line')).toBe(true);
    expect(channel.writeNow('second')).toBe(true);
    const received = recordLines(await srv.nextConnection());
    await waitUntil(() => received.lines.length === 2, { what: 'two lines' });
    expect(received.lines).toEqual(['the first line', 'second']);
  });

  it('reuses its buffer when the socket took the bytes at once', async () => {
    const { channel, socket, peer } = await connect();
    const received = recordLines(peer);
    const chunks = recordChunks(socket);
    channel.writeNow('a');
    await waitUntil(() => received.lines.length === 1, { what: 'the first line' });
    channel.writeNow('b');
    await waitUntil(() => received.lines.length === 2, { what: 'the second line' });
    expect(chunks.map((c) => c.kept)).toEqual([false, false]);
    expect(chunks[1]?.chunk.buffer).toBe(chunks[0]?.chunk.buffer);
    expect(chunks[1]?.chunk.byteOffset).toBe(chunks[0]?.chunk.byteOffset);
    expect(received.lines).toEqual(['a', 'b']);
  });

  it('writeWith: a line longer than the buffer sends what is pending, grows, and arrives whole', async () => {
    const { channel, socket, peer } = await connect();
    const received = recordLines(peer);
    const chunks = recordChunks(socket);
    const long = `L|${'€'.repeat(OUTBOUND_BUFFER_BYTES)}`;
    let calls = 0;
    expect(channel.write('before')).toBe(true);
    const accepted = channel.writeWith((buffer, position) => {
      calls++;
      return writeLineText(buffer, position, long);
    });
    expect(accepted).toBe(true);
    channel.write('after');
    expect(calls).toBeGreaterThan(2); // no room, then the flush, then growing until it fits
    // The long line is past the flush threshold: it goes out at once, on its own.
    expect(chunks.map((c) => c.copy.toString())).toEqual(['before\r\n', `${long}\r\n`]);
    await waitUntil(() => received.lines.length === 3, { what: 'three lines' });
    expect(received.lines).toEqual(['before', long, 'after']);
    expect(channel.linesWritten).toBe(3);
    expect(channel.bytesWritten).toBe(Buffer.byteLength(`before\r\n${long}\r\nafter\r\n`));
  });

  it('a line above the hard cap fails the connection instead of growing without bound', async () => {
    const { channel } = await connect({ maxQueuedBytes: 200 * 1024 });
    const closed = waitForEvent<[Error | undefined]>(channel, 'close');
    expect(channel.write('x'.repeat(300 * 1024))).toBe(false);
    const [error] = await closed;
    expect(error).toBeInstanceOf(OutboundQueueOverflowError);
    expect((error as OutboundQueueOverflowError).queuedBytes).toBeGreaterThan(200 * 1024);
  });

  it('counts the batches it sends', async () => {
    const { channel } = await connect();
    expect(channel.flushes).toBe(0);
    channel.write('a');
    channel.write('b');
    expect(channel.flushes).toBe(0);
    channel.flush();
    expect(channel.flushes).toBe(1);
    channel.flush();
    expect(channel.flushes).toBe(1);
    channel.writeNow('c');
    expect(channel.flushes).toBe(2);
  });
});

describe('LineChannel close', () => {
  it('close() flushes pending lines, ends the socket and reports no error', async () => {
    const { channel, peer } = await connect();
    const received = recordLines(peer);
    const peerEnded = waitForEvent(peer, 'end');
    const closeEvents: Array<Error | undefined> = [];
    channel.on('close', (error) => closeEvents.push(error));
    channel.write('a');
    channel.write('b');
    const closing = channel.close();
    expect(channel.close()).toBe(closing);
    expect(channel.write('dropped')).toBe(false);
    await closing;
    await peerEnded;
    expect(received.lines).toEqual(['a', 'b']);
    expect(closeEvents).toEqual([undefined]);
    expect(channel.closed).toBe(true);
    await channel.close(); // still resolves
  });

  it('close() destroys the socket when the peer does not finish the close in time', async () => {
    const srv = await startLoopbackServer();
    cleanups.push(() => srv.close());
    const socket = await dial({ host: srv.host, port: srv.port });
    cleanups.push(() => socket.destroy());
    const peer = await srv.nextConnection();
    // A half-open peer keeps its side open after our FIN: only the timeout ends the close.
    peer.allowHalfOpen = true;
    const channel = new LineChannel(socket, { closeTimeoutMs: 50 });
    await channel.close();
    expect(socket.destroyed).toBe(true);
    expect(channel.closed).toBe(true);
  });

  it("reports the peer's EOF as ConnectionClosedError and ignores later writes", async () => {
    const { channel, socket, peer, srv } = await connect();
    const closed = waitForEvent<[Error | undefined]>(channel, 'close');
    peer.end();
    const [error] = await closed;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ reason: 'eof', peer: `127.0.0.1:${srv.port}` });
    expect(error?.message).toContain(`127.0.0.1:${srv.port}`);
    const write = vi.spyOn(socket, 'write');
    expect(channel.write('late')).toBe(false);
    expect(channel.writeNow('late')).toBe(false);
    channel.flush();
    expect(write).not.toHaveBeenCalled();
  });

  it('reports a reset as ConnectionClosedError with the socket error as cause', async () => {
    const { channel, peer } = await connect();
    const closed = waitForEvent<[Error | undefined]>(channel, 'close');
    peer.resetAndDestroy();
    const [error] = await closed;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ reason: 'error' });
    expect(error?.cause).toMatchObject({ code: 'ECONNRESET' });
  });

  it('destroy(error) closes once with that error; later calls do nothing', async () => {
    const { channel } = await connect();
    const closeEvents: Array<Error | undefined> = [];
    channel.on('close', (error) => closeEvents.push(error));
    const closed = waitForEvent(channel, 'close');
    const cause = new Error('handshake refused');
    channel.destroy(cause);
    channel.destroy(new Error('second'));
    await closed;
    await channel.close();
    channel.destroy();
    expect(closeEvents).toEqual([cause]);
  });

  it('reports a socket that died before it was wrapped', async () => {
    const srv = await startLoopbackServer();
    cleanups.push(() => srv.close());
    const socket = await dial({ host: srv.host, port: srv.port });
    socket.destroy();
    const channel = new LineChannel(socket, { label: 'QUOTES@ls1:6661' });
    const [error] = await waitForEvent<[Error | undefined]>(channel, 'close');
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error?.message).toContain('QUOTES@ls1:6661');
    expect(channel.writable).toBe(false);
  });
});
