/**
 * One socket of a simulated connection: framing in, CR LF lines out, and the fault switches
 * (pause reading, end, destroy). It knows lines, not the protocol.
 */
import type { Socket } from 'node:net';
import { type FramerSink, LineFramer, type LineFramerOptions } from './line-framer.js';
import type { Channel } from './types.js';

/** How the socket ended. */
export interface SocketEnd {
  /** The socket error that ended it, if any. */
  error: Error | undefined;
}

/** What the owner of an endpoint hears. */
export interface EndpointSink extends FramerSink {
  /** Bytes arrived (activity, for the keepalive timeout). */
  activity(): void;
  /** The socket is closed; called once. */
  closed(end: SocketEnd): void;
}

/** A socket seen as lines. */
export class SocketEndpoint {
  /** Which socket of the connection this is. */
  readonly channel: Channel;
  readonly #socket: Socket;
  #endedLocally = false;
  #error: Error | undefined;
  #closed = false;
  #paused = false;
  readonly #closedPromise: Promise<void>;

  constructor(socket: Socket, channel: Channel, sink: EndpointSink, options: LineFramerOptions) {
    this.channel = channel;
    this.#socket = socket;
    const framer = new LineFramer(sink, options);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      sink.activity();
      framer.push(chunk);
    });
    socket.on('error', (error) => {
      this.#error ??= error;
    });
    this.#closedPromise = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.#closed = true;
        sink.closed({ error: this.#error });
        resolve();
      });
    });
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether reading is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Bytes still queued in the socket (not yet taken by the kernel). */
  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  /** Resolves when the socket is closed. */
  whenClosed(): Promise<void> {
    return this.#closedPromise;
  }

  /** Writes one line with the CR LF terminator; false (and nothing written) once ending. */
  writeLine(line: string): boolean {
    return this.writeRaw(`${line}\r\n`);
  }

  /** Writes bytes exactly as given; false (and nothing written) once ending. */
  writeRaw(data: string | Uint8Array): boolean {
    if (this.#endedLocally || this.#socket.destroyed || !this.#socket.writable) return false;
    this.#socket.write(data);
    return true;
  }

  /** Stops reading, so the Remote's writes back up in the kernel buffers. */
  pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  /** Resumes reading. */
  resume(): void {
    this.#paused = false;
    this.#socket.resume();
  }

  /** Ends gracefully (FIN after pending writes); destroys it after `timeoutMs`. */
  end(timeoutMs: number): Promise<void> {
    if (!this.#closed && !this.#endedLocally) {
      this.#endedLocally = true;
      const timer = setTimeout(() => this.#socket.destroy(), timeoutMs);
      this.#socket.once('close', () => clearTimeout(timer));
      this.#socket.end();
      // A paused socket never sees the Remote's FIN; read on so the close completes.
      if (this.#paused) this.resume();
    }
    return this.#closedPromise;
  }

  /** Destroys the socket at once. */
  destroy(): Promise<void> {
    if (!this.#closed) {
      this.#endedLocally = true;
      this.#socket.destroy();
    }
    return this.#closedPromise;
  }
}
