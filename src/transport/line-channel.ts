/**
 * One connected socket seen as ARI lines (PROTOCOL.md §1.3). The channel is the only reader and
 * writer of its socket.
 *
 * Inbound bytes go through a {@link LineSplitter}; each line is a `'line'` event, and a framing
 * error is a `'protocolError'` event that keeps the connection.
 *
 * Outbound is the hot path of every real-time update: lines are encoded straight into a
 * reusable byte buffer ({@link OutboundBatch}) and one flush per event-loop turn is scheduled (or
 * done at once past {@link FLUSH_THRESHOLD_BYTES}): one `socket.write` per batch, no Promise and
 * no string per line. Back-pressure follows `stream.Writable`: writes return `false` above the
 * high-water mark and `'drain'` follows; past the hard cap the connection fails with
 * {@link OutboundQueueOverflowError}.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { writeLineText } from '../protocol/encode-update-into.js';
import type { ProtocolError } from '../protocol/errors.js';
import { LineSplitter } from '../protocol/line-splitter.js';
import { ConnectionClosedError, formatHostPort, OutboundQueueOverflowError } from './errors.js';
import { type EncodeInto, OutboundBatch } from './outbound-batch.js';

export type { EncodeInto } from './outbound-batch.js';

/** Default `highWaterMark`: 1 MiB. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** Default `maxQueuedBytes`: 32 MiB. */
export const DEFAULT_MAX_QUEUED_BYTES = 32 * 1024 * 1024;
/** Pending batch size that triggers an immediate flush: 64 KiB. */
export const FLUSH_THRESHOLD_BYTES = 64 * 1024;
/** Default bound on a graceful `close()` before the socket is destroyed: 5 s. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
/**
 * Size of a new outbound buffer: the flush threshold plus room for the line that crosses it, so
 * that only lines above 16 KiB can make a batch go out before the threshold.
 */
export const OUTBOUND_BUFFER_BYTES = FLUSH_THRESHOLD_BYTES + 16 * 1024;

/** Options of {@link LineChannel}. */
export interface LineChannelOptions {
  /**
   * Longest accepted inbound line, in bytes.
   * @default 16777216 (16 MiB)
   */
  maxLineBytes?: number;
  /**
   * Queued bytes at or above which `write()` returns `false`.
   * @default 1048576 (1 MiB)
   */
  highWaterMark?: number;
  /**
   * Queued bytes above which the connection fails with {@link OutboundQueueOverflowError}.
   * @default 33554432 (32 MiB)
   */
  maxQueuedBytes?: number;
  /**
   * Bound on `close()`: after it the socket is destroyed, in milliseconds.
   * @default 5000
   */
  closeTimeoutMs?: number;
  /**
   * Peer name used in error messages.
   * @default the socket's remote `address:port`
   */
  label?: string;
  /**
   * Monotonic clock in milliseconds, for {@link LineChannel.lastWriteAt}.
   * @default performance.now
   */
  now?: () => number;
}

/** Events of a {@link LineChannel}. */
export interface LineChannelEvents {
  /** One inbound line, terminator stripped. */
  line: [line: string];
  /** An inbound framing error (line too long); the connection is kept. */
  protocolError: [error: ProtocolError];
  /** The queue fell below the high-water mark after a `write()` returned `false`. */
  drain: [];
  /** Emitted once; `error` is what ended the connection, `undefined` after a local `close()`. */
  close: [error: Error | undefined];
}

/** A connected socket as a stream of ARI lines in and batched lines out. */
export class LineChannel extends EventEmitter<LineChannelEvents> {
  /** Peer name used in messages (`host:port` unless a label was given). */
  readonly label: string;
  readonly #socket: Socket;
  readonly #splitter: LineSplitter;
  readonly #highWaterMark: number;
  readonly #maxQueuedBytes: number;
  readonly #closeTimeoutMs: number;
  readonly #now: () => number;
  readonly #batch = new OutboundBatch(OUTBOUND_BUFFER_BYTES);
  #flushes = 0;
  #flushScheduled = false;
  #needDrain = false;
  #ending = false;
  #closed = false;
  #closeError: Error | undefined;
  #closePromise: Promise<void> | undefined;
  #lastWriteAt: number;
  #bytesWritten = 0;
  #linesWritten = 0;

  constructor(socket: Socket, options: LineChannelOptions = {}) {
    super();
    this.#socket = socket;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#lastWriteAt = this.#now();
    this.label =
      options.label ?? formatHostPort(socket.remoteAddress ?? 'unknown', socket.remotePort);
    this.#splitter = new LineSplitter(
      {
        line: (text) => {
          if (!this.#ending) this.emit('line', text);
        },
        error: (error) => {
          if (!this.#ending) this.emit('protocolError', error);
        },
      },
      { maxLineBytes: options.maxLineBytes },
    );
    this.#attach();
  }

  #attach(): void {
    const socket = this.#socket;
    socket.on('data', (chunk: Buffer) => this.#splitter.push(chunk));
    socket.on('error', (error) => {
      this.#closeError ??= new ConnectionClosedError(this.label, 'error', { cause: error });
      this.#ending = true;
    });
    socket.on('end', () => {
      // After a local close() the peer's FIN is the expected answer, not a failure.
      if (!this.#ending) this.#closeError ??= new ConnectionClosedError(this.label, 'eof');
      this.#ending = true;
    });
    socket.on('drain', () => this.#checkDrain());
    socket.once('close', () => this.#onSocketClose());
    if (socket.destroyed) {
      // Failed between connect and now: report it as the end of this channel.
      const cause = socket.errored ?? undefined;
      this.#closeError = new ConnectionClosedError(this.label, cause ? 'error' : 'eof', { cause });
      this.#ending = true;
      process.nextTick(() => this.#onSocketClose());
    }
  }

  /** Monotonic time (see `now`) of the last flush of written lines to the socket. */
  get lastWriteAt(): number {
    return this.#lastWriteAt;
  }

  /** Bytes handed to the socket so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Lines accepted by `write()`/`writeWith()`/`writeNow()` so far. */
  get linesWritten(): number {
    return this.#linesWritten;
  }

  /** Batches handed to the socket so far: it changes whenever the pending batch went out. */
  get flushes(): number {
    return this.#flushes;
  }

  /** Outbound bytes not yet taken by the kernel: the pending batch plus the socket's own buffer. */
  get queuedBytes(): number {
    return this.#batch.length + this.#socket.writableLength;
  }

  /** Whether `write()` still accepts lines: `false` once closing, closed or failed. */
  get writable(): boolean {
    return !this.#ending;
  }

  /** Whether `'close'` was emitted. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues one line (without terminator; it must contain no CR or LF) for the next batch,
   * encoded as UTF-8.
   *
   * @returns `false` when the queue is at or above the high-water mark (wait for `'drain'`), or
   *   when the channel is closing or closed (the line is then dropped); `true` otherwise.
   */
  write(line: string): boolean {
    return this.writeWith((buffer, position) => writeLineText(buffer, position, line));
  }

  /**
   * Queues one line that `encodeInto` writes straight into the outbound buffer (see
   * {@link EncodeInto}); the same batching and result as `write()`.
   */
  writeWith(encodeInto: EncodeInto): boolean {
    if (this.#ending || !this.#append(encodeInto)) return false;
    if (this.#batch.length >= FLUSH_THRESHOLD_BYTES) {
      this.#flush();
    } else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#scheduledFlush);
    }
    return this.#checkQueue();
  }

  /** Writes one line, and everything queued before it, to the socket now. Same result as `write()`. */
  writeNow(line: string): boolean {
    if (this.#ending) return false;
    if (!this.#append((buffer, position) => writeLineText(buffer, position, line))) return false;
    this.#flush();
    return this.#checkQueue();
  }

  /** Hands the pending batch to the socket now instead of at the end of this event-loop turn. */
  flush(): void {
    if (!this.#closed) this.#flush();
  }

  /** Stops reading from the socket (lines of a chunk already read are still delivered). */
  pauseReading(): void {
    this.#socket.pause();
  }

  /** Resumes reading after {@link pauseReading}. */
  resumeReading(): void {
    if (!this.#ending) this.#socket.resume();
  }

  /**
   * Flushes the pending lines, ends the connection and resolves once the socket is closed;
   * destroys it after `closeTimeoutMs`. Idempotent; no `'line'` event is emitted once called.
   */
  close(): Promise<void> {
    if (this.#closePromise) return this.#closePromise;
    this.#closePromise = new Promise<void>((resolve) => {
      if (this.#closed) return resolve();
      this.once('close', () => resolve());
      if (this.#ending) return; // already being destroyed
      this.#flush();
      this.#ending = true;
      const timer = setTimeout(() => this.#socket.destroy(), this.#closeTimeoutMs);
      this.#socket.once('close', () => clearTimeout(timer));
      this.#socket.end();
    });
    return this.#closePromise;
  }

  /** Closes the connection at once, dropping pending lines; `error` is reported by `'close'`. */
  destroy(error?: Error): void {
    if (this.#closed) return;
    if (error !== undefined) this.#closeError ??= error;
    this.#ending = true;
    this.#batch.clear();
    this.#socket.destroy();
  }

  readonly #scheduledFlush = (): void => {
    this.#flushScheduled = false;
    if (!this.#ending) this.#flush();
  };

  /** Appends one encoded line, making room as needed; `false` when the line cannot be queued. */
  #append(encodeInto: EncodeInto): boolean {
    const batch = this.#batch;
    while (!batch.tryAppend(encodeInto)) {
      if (batch.length > 0) {
        // Send what is pending rather than copy it into a bigger buffer.
        this.#flush();
        // Still pending: the socket is gone, and the connection with it.
        if (batch.length > 0) return false;
      } else if (!batch.grow(this.#maxQueuedBytes)) {
        const queued = this.#socket.writableLength + batch.capacity + 1;
        this.destroy(new OutboundQueueOverflowError(this.label, queued, this.#maxQueuedBytes));
        return false;
      }
    }
    this.#linesWritten++;
    return true;
  }

  #flush(): void {
    const batch = this.#batch;
    const socket = this.#socket;
    if (batch.length === 0 || socket.destroyed) return;
    const chunk = batch.take();
    this.#bytesWritten += chunk.length;
    this.#flushes++;
    this.#lastWriteAt = this.#now();
    const accepted = socket.write(chunk);
    // A queued chunk is read later by the socket: its buffer must not be written again.
    batch.handedOff(socket.writableLength !== 0);
    // The socket emits 'drain' only after it refused a write; otherwise check on our own.
    if (accepted && this.#needDrain) process.nextTick(() => this.#checkDrain());
  }

  #checkQueue(): boolean {
    const queued = this.queuedBytes;
    if (queued > this.#maxQueuedBytes) {
      this.destroy(new OutboundQueueOverflowError(this.label, queued, this.#maxQueuedBytes));
      return false;
    }
    if (queued < this.#highWaterMark) return true;
    this.#needDrain = true;
    return false;
  }

  #checkDrain(): void {
    if (!this.#needDrain || this.#ending || this.queuedBytes >= this.#highWaterMark) return;
    this.#needDrain = false;
    this.emit('drain');
  }

  #onSocketClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ending = true;
    this.#batch.clear();
    this.emit('close', this.#closeError);
  }
}
