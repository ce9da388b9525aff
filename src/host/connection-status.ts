/**
 * The state of one supervised connection (SPEC §6 `/readyz`): one union, one setter that logs
 * the transition once and emits it. No parallel booleans: every question about a connection
 * ("is it up?", "is it retrying?") is answered from this one value.
 */
import { EventEmitter } from 'node:events';
import type { AdapterKind } from './config-schema.js';

/** The states of a connection, as `/readyz` shows them. */
export const CONNECTION_STATES = [
  'connecting',
  'handshaking',
  'connected',
  'backoff',
  'stopped',
] as const;

/**
 * Where a connection stands:
 * - `connecting`: dialling (or, for a listener, listening with no session up);
 * - `handshaking`: connected, credentials sent, waiting for the init request and its answer;
 * - `connected`: the init succeeded (for a listener: at least one session is up);
 * - `backoff`: waiting before the next attempt;
 * - `stopped`: not running any more (host stopped, adapter removed, or retries exhausted).
 */
export type ConnectionStateName = (typeof CONNECTION_STATES)[number];

/** One connection as `connections()` and `/readyz` report it. */
export interface ConnectionState {
  /** The adapter's name. */
  readonly adapter: string;
  /** Its kind. */
  readonly kind: AdapterKind;
  /** The Proxy Adapter dialled (`host:port`), or the address listened on. */
  readonly server: string;
  /** Where it stands. */
  readonly state: ConnectionStateName;
}

/** Facts logged with a transition, when known. */
export interface TransitionDetails {
  /** Number of the retry (1 = first retry) the transition belongs to. */
  readonly attempt?: number | undefined;
  /** Delay before the next attempt, ms (entering `backoff`). */
  readonly delayMs?: number | undefined;
  /** Why: how the connection ended, or why it stopped. */
  readonly reason?: string | undefined;
}

/** A transition, as emitted. */
export interface StatusChange extends TransitionDetails {
  /** The state left. */
  readonly from: ConnectionStateName;
  /** The state entered. */
  readonly to: ConnectionStateName;
}

/** The part of a logger the status needs (pino's shape). */
export interface StatusLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
}

/** Events of {@link ConnectionStatus}. */
export interface ConnectionStatusEvents {
  /** The state changed; `state` is the new snapshot. */
  status: [state: ConnectionState, change: StatusChange];
}

/**
 * Log level per target state: every transition is an info line (so that the default level shows
 * one line per state change), a retry a warning.
 */
const LEVEL_OF: Record<ConnectionStateName, 'info' | 'warn'> = {
  connecting: 'info',
  handshaking: 'info',
  connected: 'info',
  backoff: 'warn',
  stopped: 'info',
};

/**
 * The state of one connection (adapter × server, or a listener). {@link set} is the only way
 * to change it: it ignores a "transition" to the current state, otherwise logs
 * `{ adapter, server, from, to, attempt, delayMs, reason }` once and emits `'status'`.
 */
export class ConnectionStatus extends EventEmitter<ConnectionStatusEvents> {
  readonly #identity: Omit<ConnectionState, 'state'>;
  readonly #logger: StatusLogger;
  #state: ConnectionStateName;
  #everConnected = false;

  /**
   * @param identity - adapter, kind and server label.
   * @param logger - receives one line per transition.
   * @param initial - the starting state.
   */
  constructor(
    identity: Omit<ConnectionState, 'state'>,
    logger: StatusLogger,
    initial: ConnectionStateName = 'connecting',
  ) {
    super();
    this.#identity = { adapter: identity.adapter, kind: identity.kind, server: identity.server };
    this.#logger = logger;
    this.#state = initial;
  }

  /** The current state. */
  get state(): ConnectionStateName {
    return this.#state;
  }

  /** Whether the connection reached `connected` at least once. */
  get everConnected(): boolean {
    return this.#everConnected;
  }

  /** The current state with the connection's identity. */
  snapshot(): ConnectionState {
    return { ...this.#identity, state: this.#state };
  }

  /** Moves to `to`; a no-op when already there. */
  set(to: ConnectionStateName, details: TransitionDetails = {}): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    if (to === 'connected') this.#everConnected = true;
    const change: StatusChange = { from, to, ...definedOnly(details) };
    const fields = { adapter: this.#identity.adapter, server: this.#identity.server, ...change };
    this.#logger[LEVEL_OF[to]](
      fields,
      `${this.#identity.adapter} ${this.#identity.server}: ${from} → ${to}`,
    );
    this.emit('status', this.snapshot(), change);
  }
}

function definedOnly(details: TransitionDetails): TransitionDetails {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) if (value !== undefined) out[key] = value;
  return out as TransitionDetails;
}
