/**
 * The status of one adapter connection: one union, its legal transitions, and the one setter
 * that logs `old → new` and notifies.
 */
import type { Logger } from './logger.js';

/**
 * Where a connection stands:
 * `idle` (not started) → `connecting` → `handshaking` (RAC written, waiting for the init) →
 * `connected` (init answered successfully) or `init-failed` (init answered with an error; the
 * connection stays open until the Proxy closes it) → `closing` → `closed`.
 */
export type ConnectionStatus =
  | 'idle'
  | 'connecting'
  | 'handshaking'
  | 'connected'
  | 'init-failed'
  | 'closing'
  | 'closed';

const TRANSITIONS: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  idle: ['connecting', 'closed'],
  connecting: ['handshaking', 'closing', 'closed'],
  handshaking: ['connected', 'init-failed', 'closing'],
  connected: ['closing'],
  'init-failed': ['closing'],
  closing: ['closed'],
  closed: [],
};

/** Whether `from → to` is a legal transition. */
export function canTransition(from: ConnectionStatus, to: ConnectionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Holds a status; {@link StatusHolder.set} is the only way to change it. */
export class StatusHolder {
  #status: ConnectionStatus = 'idle';
  readonly #logger: Logger;
  readonly #onChange: (status: ConnectionStatus, previous: ConnectionStatus) => void;

  constructor(
    logger: Logger,
    onChange: (status: ConnectionStatus, previous: ConnectionStatus) => void,
  ) {
    this.#logger = logger;
    this.#onChange = onChange;
  }

  /** The current status. */
  get value(): ConnectionStatus {
    return this.#status;
  }

  /**
   * Moves to `next` if the transition is legal (logged at debug and reported); an illegal one is
   * ignored and returns false, so late callbacks of a finished connection cannot revive it.
   */
  set(next: ConnectionStatus): boolean {
    const previous = this.#status;
    if (!canTransition(previous, next)) return false;
    this.#status = next;
    this.#logger.debug({ status: next, previous }, `Connection status ${previous} → ${next}`);
    this.#onChange(next, previous);
    return true;
  }
}
