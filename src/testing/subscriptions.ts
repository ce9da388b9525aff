/**
 * The Proxy's view of item subscriptions on one connection: checks the subscription id of every
 * `UD3`/`EOS`/`CLS`/`DFD` (PROTOCOL.md §4.2), the snapshot sequence (§4.3), and that the Remote
 * answers the requests for one item in order (§4.4).
 *
 * A subscription is live from its `SUB` until its `USB` is answered (or its `SUB` failed): the
 * Proxy sends `SUB`, `USB`, `SUB` without waiting for replies, so events of an older live
 * subscription may still legitimately arrive after a newer `SUB` was sent. With two connections
 * replies and events race on different sockets, so there ("unordered") any id ever issued for the
 * item is accepted and only unknown ids are reported. Replies always share one socket, and events
 * always share one socket, so the reply order and the snapshot sequence are checked in both modes.
 */

/** A problem found with an event or a reply. */
export interface SubscriptionProblem {
  code: 'unsubscribed-item' | 'stale-subscription-id' | 'snapshot-after-end' | 'reply-out-of-order';
  message: string;
}

interface Subscription {
  id: string;
  /** The `SUB` reply: not yet, success, error. */
  reply: 'pending' | 'ok' | 'failed';
  /** The `USB` that ends it, once sent. */
  usbId?: string;
  usbReplied: boolean;
  /** How the snapshot ended (`EOS`, or a real-time update), once it did. */
  snapshotEnd?: 'EOS' | 'update';
}

/** Finished subscriptions remembered per item, for precise messages. */
const FINISHED_MEMORY = 4;

function isLive(sub: Subscription): boolean {
  return sub.reply !== 'failed' && !sub.usbReplied;
}

/** Whether every request about `sub` was answered. */
function isSettled(sub: Subscription): boolean {
  return sub.reply !== 'pending' && (sub.usbId === undefined || sub.usbReplied);
}

/** An event, as far as the tracker is concerned. */
export interface TrackedEvent {
  method: 'UD3' | 'EOS' | 'CLS' | 'DFD';
  item: string | null;
  subscriptionId: string;
  /** `UD3` only. */
  isSnapshot?: boolean;
}

/** Subscription state of one connection. */
export class SubscriptionTracker {
  readonly #ordered: boolean;
  readonly #items = new Map<string, Subscription[]>();
  readonly #everIssued = new Map<string, Set<string>>();

  /** `ordered`: replies and events share one socket, so their relative order is meaningful. */
  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  /** A `SUB` was sent. */
  subscribeSent(item: string, id: string): void {
    const subs = this.#items.get(item) ?? [];
    subs.push({ id, reply: 'pending', usbReplied: false });
    this.#items.set(item, subs);
    if (!this.#ordered) {
      const ever = this.#everIssued.get(item) ?? new Set<string>();
      ever.add(id);
      this.#everIssued.set(item, ever);
    }
  }

  /** The `SUB` with this id was answered; returns a problem if it overtook an earlier reply. */
  subscribeReplied(item: string, id: string, ok: boolean): SubscriptionProblem | null {
    const subs = this.#items.get(item) ?? [];
    const index = subs.findIndex((s) => s.id === id);
    const sub = subs[index];
    if (sub === undefined) return null;
    const problem = overtaken(firstOpen(subs.slice(0, index)), `SUB ${id}`, item);
    sub.reply = ok ? 'ok' : 'failed';
    this.#prune(item);
    return problem;
  }

  /** A `USB` was sent: it refers to the item's latest `SUB` (the Proxy alternates them, §4.4). */
  unsubscribeSent(item: string, usbId: string): void {
    const sub = this.#items.get(item)?.findLast((s) => s.usbId === undefined);
    if (sub !== undefined) sub.usbId = usbId;
  }

  /** The `USB` with this id was answered: its subscription is over. */
  unsubscribeReplied(item: string, usbId: string): SubscriptionProblem | null {
    const subs = this.#items.get(item) ?? [];
    const index = subs.findIndex((s) => s.usbId === usbId);
    const sub = subs[index];
    if (sub === undefined) return null;
    // Its own SUB must have been answered first, as well as every earlier request.
    const open = firstOpen(subs.slice(0, index)) ?? (sub.reply === 'pending' ? sub : undefined);
    const problem = overtaken(open, `USB ${usbId}`, item);
    sub.usbReplied = true;
    this.#prune(item);
    return problem;
  }

  /** Items whose latest `SUB` was not unsubscribed and did not fail. */
  activeItems(): string[] {
    const out: string[] = [];
    for (const [item, subs] of this.#items) {
      const last = subs.at(-1);
      if (last !== undefined && last.reply !== 'failed' && last.usbId === undefined) out.push(item);
    }
    return out;
  }

  /** Checks an event's item, subscription id and place in the snapshot sequence. */
  check(event: TrackedEvent): SubscriptionProblem | null {
    const { item, subscriptionId } = event;
    const subs = item === null ? undefined : this.#items.get(item);
    if (item === null || subs === undefined) {
      return { code: 'unsubscribed-item', message: `no SUB was ever sent for item ${quote(item)}` };
    }
    const sub = subs.find((s) => s.id === subscriptionId);
    if (sub !== undefined && isLive(sub)) return snapshotStep(sub, event);
    if (!this.#ordered && this.#everIssued.get(item)?.has(subscriptionId)) {
      return sub === undefined ? null : snapshotStep(sub, event);
    }
    const live = subs.filter(isLive);
    if (sub !== undefined) {
      const why = sub.reply === 'failed' ? 'its SUB failed' : 'its USB was answered';
      return {
        code: 'stale-subscription-id',
        message: `subscription ${subscriptionId} of item ${quote(item)} is over (${why})`,
      };
    }
    if (live.length > 0) {
      return {
        code: 'stale-subscription-id',
        message: `${subscriptionId} is not the id of the active SUB of item ${quote(item)} (${live.map((s) => s.id).join(', ')})`,
      };
    }
    return { code: 'unsubscribed-item', message: `item ${quote(item)} has no active subscription` };
  }

  #prune(item: string): void {
    const subs = this.#items.get(item);
    if (subs === undefined) return;
    let finished = subs.filter((s) => !isLive(s) && isSettled(s)).length;
    while (finished > FINISHED_MEMORY) {
      const index = subs.findIndex((s) => !isLive(s) && isSettled(s));
      subs.splice(index, 1);
      finished--;
    }
  }
}

/** The first subscription with an unanswered request. */
function firstOpen(subs: readonly Subscription[]): Subscription | undefined {
  return subs.find((s) => !isSettled(s));
}

/** The problem when a reply comes while an earlier request (of `open`) is unanswered. */
function overtaken(
  open: Subscription | undefined,
  what: string,
  item: string,
): SubscriptionProblem | null {
  if (open === undefined) return null;
  const waiting = open.reply === 'pending' ? `SUB ${open.id}` : `USB ${open.usbId}`;
  return {
    code: 'reply-out-of-order',
    message: `the reply to ${what} came before the reply to ${waiting} for item ${quote(item)}: requests for one item are answered in order`,
  };
}

/** Advances a live subscription's snapshot state; reports a snapshot event after its end. */
function snapshotStep(sub: Subscription, event: TrackedEvent): SubscriptionProblem | null {
  const ended = sub.snapshotEnd;
  if (event.method === 'EOS') {
    sub.snapshotEnd ??= 'EOS';
    if (ended !== 'EOS') return null;
    return {
      code: 'snapshot-after-end',
      message: `a second EOS for subscription ${sub.id} (with no snapshot the SDK sends the only EOS, §4.3)`,
    };
  }
  if (event.method !== 'UD3') return null;
  if (event.isSnapshot !== true) {
    sub.snapshotEnd ??= 'update';
    return null;
  }
  if (ended === undefined) return null;
  const by = ended === 'EOS' ? 'an EOS' : 'a real-time (B|0) update';
  return {
    code: 'snapshot-after-end',
    message: `a snapshot update (B|1) for subscription ${sub.id} after ${by} ended its snapshot`,
  };
}

function quote(item: string | null): string {
  return item === null ? 'null' : `"${item}"`;
}
