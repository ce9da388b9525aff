/** The shape every contender module has: connect to the sink, push, halt, close. */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { ConnectParams } from '../apis.js';
import type { Pump } from './pump.js';

/** A connected contender. */
export interface RunningContender {
  /** Updates handed to the SDK (lines to the socket, for `raw`) so far. */
  readonly updates: number;
  /** Times the send path said "stop" so far. */
  readonly signals: number;
  /** Whether the producer is waiting for the send path's drain signal right now. */
  readonly waiting: boolean;
  /** Outbound bytes queued in the process (not yet taken by the kernel). */
  readonly queuedBytes: number;
  /** Stops producing for good; the connection stays open. */
  halt(): void;
  /** Stops producing, closes the connection(s), resolves when closed. */
  stop(): Promise<void>;
}

/** Connects and resolves once the init was answered; pushing starts with the first `SUB`. */
export type StartContender = (params: ConnectParams) => Promise<RunningContender>;

/** A contender driven by a {@link Pump}; `close` ends its connection(s). */
export function pumpedContender(
  pump: Pump,
  queuedBytes: () => number,
  close: () => Promise<void>,
): RunningContender {
  return {
    get queuedBytes() {
      return queuedBytes();
    },
    get updates() {
      return pump.updates;
    },
    get signals() {
      return pump.signals;
    },
    get waiting() {
      return pump.waiting;
    },
    halt() {
      pump.stop();
    },
    async stop() {
      pump.stop();
      await close();
    },
  };
}

/**
 * Resolves on the next `event` of `emitter`. Unlike `events.once` it never rejects on
 * `'error'`: a failed connection shows as a closed one, and a run's teardown resets sockets.
 */
export function nextEvent(emitter: EventEmitter, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

/** Ends `socket` and resolves once it is closed; destroys it if the peer does not close in 2 s. */
export async function closeSocket(socket: Socket): Promise<void> {
  if (socket.closed) return;
  const closed = nextEvent(socket, 'close');
  socket.end();
  const timer = setTimeout(() => socket.destroy(), 2_000);
  await closed;
  clearTimeout(timer);
}
