/**
 * Contender `raw`: no SDK at all. A bare socket does the least handshake the sink needs (`RAC`,
 * the `DPI` reply, `EOS` + `SUB` replies, `USB` replies) and then writes pre-encoded `UD3` lines
 * of the subscribed load items in {@link CHUNK_BYTES} buffers, waiting for `'drain'` whenever
 * `write` returns false. It measures the machine's and the sink's limit, not an adapter.
 */
import { once } from 'node:events';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ConnectParams } from '../apis.js';
import { closeSocket, nextEvent, type RunningContender } from './contender.js';
import { fieldMaker, LOAD_ITEM_PREFIX } from './pump.js';

/** Size of one pre-encoded buffer of update lines. */
const CHUNK_BYTES = 256 * 1024;
/** Buffers written between two yields to the event loop. */
const CHUNKS_PER_TURN = 4;
/** Socket buffer above which `write` returns false: room for several chunks in flight. */
const SOCKET_HIGH_WATER_MARK = 4 * 1024 * 1024;

interface Chunk {
  buffer: Buffer;
  lines: number;
}

/** Lines for every item in turn, repeated up to {@link CHUNK_BYTES}. */
function buildChunk(subscriptions: ReadonlyMap<string, string>, fieldCount: number): Chunk | null {
  if (subscriptions.size === 0) return null;
  const makeFields = fieldMaker(fieldCount);
  const ts = String(Date.now());
  const round: string[] = [];
  let seq = 0;
  for (const [item, subId] of subscriptions) {
    let line = `${ts}|UD3|S|${item}|S|${subId}|B|0`;
    for (const [name, value] of Object.entries(makeFields(++seq))) line += `|S|${name}|S|${value}`;
    round.push(`${line}\r\n`);
  }
  const text = round.join('');
  const copies = Math.max(1, Math.floor(CHUNK_BYTES / Buffer.byteLength(text)));
  return { buffer: Buffer.from(text.repeat(copies)), lines: copies * round.length };
}

/** A bare socket speaking just enough ARI to be fed by the sink's `SUB`s. */
class RawWriter implements RunningContender {
  updates = 0;
  signals = 0;
  waiting = false;
  readonly #socket: Socket;
  readonly #fields: number;
  readonly #subscriptions = new Map<string, string>();
  #chunk: Chunk | null = null;
  #running = false;
  #stopped = false;
  #tail = '';
  #initialized: () => void = () => {};

  constructor(socket: Socket, fields: number) {
    this.#socket = socket;
    this.#fields = fields;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.#onData(text));
    socket.on('error', () => {});
  }

  /** Writes `RAC` and resolves once the `DPI` was answered. */
  handshake(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.#initialized = resolve;
    });
    this.#socket.write('1|RAC|S|enableClosePacket|S|true|S|SDK|S|raw\r\n');
    return done;
  }

  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  halt(): void {
    this.#stopped = true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await closeSocket(this.#socket);
  }

  #onData(text: string): void {
    const lines = (this.#tail + text).split('\n');
    this.#tail = lines.pop() ?? '';
    for (const line of lines) this.#onLine(line.replace(/\r$/, ''));
  }

  #onLine(line: string): void {
    const [id, method, , item] = line.split('|');
    if (id === undefined || item === undefined) return;
    if (method === 'DPI') {
      this.#socket.write(`${id}|DPI|S|ARI.version|S|1.9.1\r\n`);
      this.#initialized();
    } else if (method === 'SUB') {
      this.#socket.write(`${Date.now()}|EOS|S|${item}|S|${id}\r\n${id}|SUB|V\r\n`);
      if (item.startsWith(LOAD_ITEM_PREFIX)) this.#setItem(item, id);
    } else if (method === 'USB') {
      this.#setItem(item, undefined);
      this.#socket.write(`${id}|USB|V\r\n`);
    }
  }

  #setItem(item: string, subId: string | undefined): void {
    if (subId === undefined) this.#subscriptions.delete(item);
    else this.#subscriptions.set(item, subId);
    this.#chunk = buildChunk(this.#subscriptions, this.#fields);
    if (this.#chunk !== null && !this.#running) {
      this.#running = true;
      setImmediate(() => void this.#loop());
    }
  }

  async #loop(): Promise<void> {
    const socket = this.#socket;
    while (!this.#stopped && this.#chunk !== null) {
      let blocked = false;
      for (let i = 0; i < CHUNKS_PER_TURN && !blocked && this.#chunk !== null; i++) {
        this.updates += this.#chunk.lines;
        blocked = !socket.write(this.#chunk.buffer);
      }
      if (blocked) {
        this.signals++;
        this.waiting = true;
        await nextEvent(socket, 'drain');
        this.waiting = false;
      } else {
        await yieldToLoop();
      }
    }
    this.#running = false;
  }
}

/** Connects a bare socket and answers the handshake. */
export async function startRaw(params: ConnectParams): Promise<RunningContender> {
  // Supported by net.Socket, not declared by @types/node 20.
  const options = {
    host: params.host,
    port: params.port,
    writableHighWaterMark: SOCKET_HIGH_WATER_MARK,
  };
  const socket = connect(options as NetConnectOpts);
  await once(socket, 'connect');
  socket.setNoDelay(true);
  const writer = new RawWriter(socket, params.fields);
  await writer.handshake();
  return writer;
}
