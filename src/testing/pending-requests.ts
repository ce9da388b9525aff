/**
 * Requests sent and not yet answered: matching of replies by id and method (PROTOCOL.md §1.5),
 * per-request timeouts, and rejection of everything pending when the connection ends.
 */
import type { ProxyRequest, RemoteReply } from '../protocol/index.js';
import { ProxyConnectionClosedError, ReplyMismatchError, RequestTimeoutError } from './errors.js';

/** How many timed-out ids are remembered, to tell a late reply from an unknown one. */
const TIMED_OUT_MEMORY = 1_000;

interface Entry {
  request: ProxyRequest;
  description: string;
  resolve(reply: RemoteReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** What became of an incoming reply. */
export type Settlement =
  | { outcome: 'matched'; request: ProxyRequest }
  | { outcome: 'method-mismatch'; request: ProxyRequest }
  | { outcome: 'unknown-id' | 'late-reply' };

/** Names a request in messages: `SUB 1000001… (item "x")`. */
export function describeRequest(request: ProxyRequest): string {
  const item =
    request.method === 'SUB' || request.method === 'USB' ? ` (item "${request.item}")` : '';
  return `${request.method} ${request.id}${item}`;
}

/** The pending requests of one connection. */
export class PendingRequests {
  readonly #pending = new Map<string, Entry>();
  readonly #timedOut = new Set<string>();

  /** Whether a request with this id awaits its reply. */
  has(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Requests awaiting a reply. */
  get size(): number {
    return this.#pending.size;
  }

  /** Registers a sent request; resolves with its reply, rejects on timeout, mismatch or close. */
  add(request: ProxyRequest, timeoutMs: number): Promise<RemoteReply> {
    return new Promise<RemoteReply>((resolve, reject) => {
      const description = describeRequest(request);
      const timer = setTimeout(() => {
        this.#pending.delete(request.id);
        this.#rememberTimeout(request.id);
        reject(new RequestTimeoutError(request.method, request.id, timeoutMs, description));
      }, timeoutMs);
      this.#pending.set(request.id, { request, description, resolve, reject, timer });
    });
  }

  /** Matches a reply to its request by id, then checks the method. */
  settle(reply: RemoteReply, line: string): Settlement {
    const entry = this.#pending.get(reply.id);
    if (entry === undefined) {
      return { outcome: this.#timedOut.has(reply.id) ? 'late-reply' : 'unknown-id' };
    }
    this.#pending.delete(reply.id);
    clearTimeout(entry.timer);
    if (reply.method !== entry.request.method) {
      entry.reject(
        new ReplyMismatchError(entry.description, entry.request.method, reply.method, line),
      );
      return { outcome: 'method-mismatch', request: entry.request };
    }
    entry.resolve(reply);
    return { outcome: 'matched', request: entry.request };
  }

  /** Rejects every pending request: the connection ended for `reason`. */
  rejectAll(reason: string): void {
    for (const entry of this.#pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new ProxyConnectionClosedError(`the reply to ${entry.description}`, reason));
    }
    this.#pending.clear();
  }

  #rememberTimeout(id: string): void {
    this.#timedOut.add(id);
    if (this.#timedOut.size > TIMED_OUT_MEMORY) {
      const oldest = this.#timedOut.values().next().value;
      if (oldest !== undefined) this.#timedOut.delete(oldest);
    }
  }
}
