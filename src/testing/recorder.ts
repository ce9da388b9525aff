/**
 * An awaitable, bounded log of everything a Remote sent: decoded lines (updates, other
 * notifications, keepalives, credentials, replies, control requests, undecodable lines), the
 * protocol violations found in them, and cumulative counters. Each connection has one, and the
 * simulator has one that sees every connection.
 */
import type { DataNotification } from '../protocol/index.js';
import {
  describeNotification,
  describeUpdates,
  isUpdate,
  keepaliveMatcher,
  type NotificationFilter,
  notificationMatcher,
  type UpdateFilter,
  updateMatcher,
  type ViolationFilter,
  violationMatcher,
} from './recorder-filters.js';
import { RingBuffer } from './ring-buffer.js';
import type {
  RecordedControlRequest,
  RecordedCredentials,
  RecordedKeepalive,
  RecordedLine,
  RecordedNotification,
  RecordedNotificationOf,
  RecordedUpdate,
  RecorderCounters,
  Violation,
} from './types.js';
import {
  afterSeq,
  DEFAULT_WAIT_TIMEOUT_MS,
  type LogEnd,
  WaitList,
  type WaitOptions,
} from './waiters.js';

/** Options of a {@link Recorder}. */
export interface RecorderOptions {
  /**
   * Most lines kept; the oldest are dropped beyond it.
   * @default 10000
   */
  maxLines?: number;
  /**
   * Most violations and warnings kept; the oldest are dropped beyond it.
   * @default 1000
   */
  maxViolations?: number;
}

const RECENT_LINES = 6;

/** The log. Entries come from the connection; tests read and await them. */
export class Recorder {
  readonly #lines: RingBuffer<RecordedLine>;
  readonly #violations: RingBuffer<Violation>;
  readonly #lineWaits: WaitList<RecordedLine>;
  readonly #violationWaits: WaitList<Violation>;
  readonly #counterWaits: WaitList<RecorderCounters>;
  readonly #counters: RecorderCounters = {
    lines: 0,
    bytes: 0,
    updates: 0,
    updateBytes: 0,
    keepalives: 0,
    dropped: 0,
    violations: 0,
  };

  constructor(options: RecorderOptions = {}) {
    this.#lines = new RingBuffer(Math.max(1, options.maxLines ?? 10_000));
    this.#violations = new RingBuffer(Math.max(1, options.maxViolations ?? 1_000));
    const recent = () => this.recentLines();
    this.#lineWaits = new WaitList(recent);
    this.#violationWaits = new WaitList(recent);
    this.#counterWaits = new WaitList(recent);
  }

  /** Adds a received line; `bytes` is its size on the wire. */
  record(entry: RecordedLine, bytes: number): void {
    const c = this.#counters;
    c.lines++;
    c.bytes += bytes;
    if (isUpdate(entry)) {
      c.updates++;
      c.updateBytes += bytes;
    } else if (entry.message?.kind === 'keepalive') {
      c.keepalives++;
    }
    if (this.#lines.push(entry)) c.dropped++;
    this.#lineWaits.offer(entry);
    this.#counterWaits.offer(c);
  }

  /** Counts a `UD3` line that was not decoded (count mode). */
  countUpdate(bytes: number): void {
    const c = this.#counters;
    c.lines++;
    c.bytes += bytes;
    c.updates++;
    c.updateBytes += bytes;
    this.#counterWaits.offer(c);
  }

  /** Adds a violation or warning. */
  recordViolation(violation: Violation): void {
    if (violation.severity === 'violation') this.#counters.violations++;
    this.#violations.push(violation);
    this.#violationWaits.offer(violation);
  }

  /** Ends the log: waits that are not satisfied yet fail at once with `end.reason`. */
  end(end: LogEnd): void {
    this.#lineWaits.end(end);
    this.#violationWaits.end(end);
    this.#counterWaits.end(end);
  }

  /** Empties the log and the violations (counters and sequence numbers go on). */
  clear(): void {
    this.#lines.clear();
    this.#violations.clear();
  }

  /** A copy of the counters. */
  get counters(): RecorderCounters {
    return { ...this.#counters };
  }

  /** Every line kept, oldest first. */
  lines(): RecordedLine[] {
    return this.#lines.toArray();
  }

  /** The last few lines received, truncated, for messages. */
  recentLines(n = RECENT_LINES): string[] {
    const shown = this.#lines.last(n).map((entry) => {
      const where = entry.channel === 'notify' ? ' (notify)' : '';
      const text = entry.line.length > 160 ? `${entry.line.slice(0, 160)}…` : entry.line;
      return `#${entry.connectionId}${where} ${text}`;
    });
    const uncounted = this.#counters.lines - this.#lines.size - this.#counters.dropped;
    if (uncounted > 0) shown.push(`(+ ${uncounted} UD3 lines counted, not recorded)`);
    return shown;
  }

  /** Updates (`UD3`) kept, optionally of one item. */
  updates(item?: string): RecordedUpdate[] {
    const out: RecordedUpdate[] = [];
    for (const entry of this.#lines) {
      if (isUpdate(entry) && (item === undefined || entry.item === item)) out.push(entry);
    }
    return out;
  }

  /** Notifications kept, optionally of one method. */
  notifications<M extends DataNotification['method']>(method?: M): RecordedNotificationOf<M>[] {
    const out: RecordedNotification[] = [];
    for (const entry of this.#lines) {
      const message = entry.message;
      if (message?.kind !== 'notification') continue;
      if (method === undefined || message.method === method)
        out.push(entry as RecordedNotification);
    }
    return out as RecordedNotificationOf<M>[];
  }

  /** Keepalives kept. */
  keepalives(): RecordedKeepalive[] {
    return this.#lines
      .toArray()
      .filter((e) => e.message?.kind === 'keepalive') as RecordedKeepalive[];
  }

  /** `RAC` lines kept. */
  credentials(): RecordedCredentials[] {
    return this.#lines
      .toArray()
      .filter((e) => e.message?.kind === 'credentials') as RecordedCredentials[];
  }

  /** `FST`/`FUS` requests kept. */
  controlRequests(): RecordedControlRequest[] {
    return this.#lines
      .toArray()
      .filter((e) => e.message?.kind === 'controlRequest') as RecordedControlRequest[];
  }

  /** Violations kept (warnings excluded). */
  get violations(): Violation[] {
    return this.#violations.toArray().filter((v) => v.severity === 'violation');
  }

  /** Warnings kept (tolerated deviations such as a bare LF terminator). */
  get warnings(): Violation[] {
    return this.#violations.toArray().filter((v) => v.severity === 'warning');
  }

  /** Waits for a line accepted by `predicate`; `what` describes it in a timeout message. */
  async waitForLine(
    predicate: (entry: RecordedLine) => boolean,
    options: WaitOptions & { what?: string } = {},
  ): Promise<RecordedLine> {
    const after = afterSeq(options.after);
    const accept = (e: RecordedLine) => (e.seq > after && predicate(e) ? e : undefined);
    return firstOf(
      this.#lineWaits,
      this.#lines,
      accept,
      options.what ?? 'a matching line',
      options,
    );
  }

  /** Waits for an update (the first kept one that matches, or the next to arrive). */
  async waitForUpdate(options: UpdateFilter & WaitOptions = {}): Promise<RecordedUpdate> {
    const accept = updateMatcher(options, afterSeq(options.after));
    return firstOf(this.#lineWaits, this.#lines, accept, describeUpdates(1, options), options);
  }

  /** Waits until `count` matching updates were received; resolves with them, in order. */
  waitForUpdates(
    count: number,
    options: UpdateFilter & WaitOptions = {},
  ): Promise<RecordedUpdate[]> {
    const accept = updateMatcher(options, afterSeq(options.after));
    const what = describeUpdates(count, options);
    return this.#lineWaits.collect(this.#lines, accept, count, what, timeout(options));
  }

  /** Waits for a notification of `method` (`UD3`, `EOS`, `CLS`, `DFD`, `FAL`). */
  async waitForNotification<M extends DataNotification['method']>(
    method: M,
    options: NotificationFilter<RecordedNotificationOf<M>> & WaitOptions = {},
  ): Promise<RecordedNotificationOf<M>> {
    const accept = notificationMatcher(method, options, afterSeq(options.after));
    const what = describeNotification(method, options);
    return firstOf(this.#lineWaits, this.#lines, accept, what, options);
  }

  /** Waits for a `KEEPALIVE`. */
  async waitForKeepalive(options: WaitOptions = {}): Promise<RecordedKeepalive> {
    const accept = keepaliveMatcher(afterSeq(options.after));
    return firstOf(this.#lineWaits, this.#lines, accept, 'a KEEPALIVE', options);
  }

  /** Waits for a violation (or, with `warnings: true`, a warning too). */
  async waitForViolation(options: ViolationFilter & WaitOptions = {}): Promise<Violation> {
    const accept = violationMatcher(options, afterSeq(options.after));
    const what = `a protocol violation${options.code ? ` "${options.code}"` : ''}`;
    return firstOf(this.#violationWaits, this.#violations, accept, what, options);
  }

  /** Waits until at least `count` `UD3` lines were received in all (recorded or counted). */
  async waitForUpdateCount(
    count: number,
    options: { timeoutMs?: number } = {},
  ): Promise<RecorderCounters> {
    const accept = (c: RecorderCounters) => (c.updates >= count ? { ...c } : undefined);
    const what = `${count} UD3 lines in all`;
    return firstOf(this.#counterWaits, [this.#counters], accept, what, options);
  }
}

async function firstOf<E, T>(
  list: WaitList<E>,
  existing: Iterable<E>,
  accept: (entry: E) => T | undefined,
  what: string,
  options: { timeoutMs?: number },
): Promise<T> {
  const [found] = await list.collect(existing, accept, 1, what, timeout(options));
  return found as T;
}

function timeout(options: { timeoutMs?: number }): number {
  return options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
}
