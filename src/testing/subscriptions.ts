/**
 * The Proxy's view of item subscriptions on one connection, to check the subscription id of every
 * `UD3`/`EOS`/`CLS`/`DFD` (PROTOCOL.md §4.2).
 *
 * A subscription is live from its `SUB` until its `USB` is answered (or its `SUB` failed): the
 * Proxy sends `SUB`, `USB`, `SUB` without waiting for replies, so events of an older live
 * subscription may still legitimately arrive after a newer `SUB` was sent. With two connections
 * replies and events race on different sockets, so there ("unordered") any id ever issued for the
 * item is accepted and only unknown ids are reported.
 */

/** A problem found with an event's subscription id. */
export interface SubscriptionProblem {
  code: 'unsubscribed-item' | 'stale-subscription-id';
  message: string;
}

interface Subscription {
  id: string;
  state: 'pending' | 'active' | 'failed' | 'unsubscribing' | 'ended';
  usbId?: string;
}

/** Finished subscriptions remembered per item, for precise messages. */
const FINISHED_MEMORY = 4;

function isLive(sub: Subscription): boolean {
  return sub.state === 'pending' || sub.state === 'active' || sub.state === 'unsubscribing';
}

/** Subscription state of one connection. */
export class SubscriptionTracker {
  readonly #ordered: boolean;
  readonly #items = new Map<string, Subscription[]>();
  readonly #everIssued = new Map<string, Set<string>>();

  /** `ordered`: replies and events share one socket, so their order is meaningful. */
  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  /** A `SUB` was sent. */
  subscribeSent(item: string, id: string): void {
    const subs = this.#items.get(item) ?? [];
    subs.push({ id, state: 'pending' });
    this.#items.set(item, subs);
    if (!this.#ordered) {
      const ever = this.#everIssued.get(item) ?? new Set<string>();
      ever.add(id);
      this.#everIssued.set(item, ever);
    }
  }

  /** The `SUB` with this id was answered. */
  subscribeReplied(item: string, id: string, ok: boolean): void {
    const sub = this.#items.get(item)?.find((s) => s.id === id);
    if (sub === undefined) return;
    if (!ok) sub.state = 'failed';
    else if (sub.state === 'pending') sub.state = 'active';
    this.#prune(item);
  }

  /** A `USB` was sent: it refers to the item's latest `SUB` (the Proxy alternates them, §4.4). */
  unsubscribeSent(item: string, usbId: string): void {
    const subs = this.#items.get(item) ?? [];
    const sub = subs.findLast((s) => s.usbId === undefined);
    if (sub === undefined) return;
    sub.usbId = usbId;
    if (sub.state === 'pending' || sub.state === 'active') sub.state = 'unsubscribing';
  }

  /** The `USB` with this id was answered (successfully or not): its subscription is over. */
  unsubscribeReplied(item: string, usbId: string): void {
    const sub = this.#items.get(item)?.find((s) => s.usbId === usbId);
    if (sub === undefined) return;
    sub.state = 'ended';
    this.#prune(item);
  }

  /** Items whose latest `SUB` was not unsubscribed and did not fail. */
  activeItems(): string[] {
    const out: string[] = [];
    for (const [item, subs] of this.#items) {
      const last = subs.at(-1);
      if (last !== undefined && (last.state === 'pending' || last.state === 'active'))
        out.push(item);
    }
    return out;
  }

  /** Checks an event's item and subscription id; null when it is acceptable. */
  check(item: string | null, subscriptionId: string): SubscriptionProblem | null {
    const subs = item === null ? undefined : this.#items.get(item);
    if (item === null || subs === undefined) {
      return { code: 'unsubscribed-item', message: `no SUB was ever sent for item ${quote(item)}` };
    }
    const sub = subs.find((s) => s.id === subscriptionId);
    if (sub !== undefined && isLive(sub)) return null;
    if (!this.#ordered && this.#everIssued.get(item)?.has(subscriptionId)) return null;
    const live = subs.filter(isLive);
    if (sub !== undefined) {
      const why = sub.state === 'failed' ? 'its SUB failed' : 'its USB was answered';
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
    let finished = subs.filter((s) => !isLive(s)).length;
    while (finished > FINISHED_MEMORY) {
      const index = subs.findIndex((s) => !isLive(s));
      subs.splice(index, 1);
      finished--;
    }
  }
}

function quote(item: string | null): string {
  return item === null ? 'null' : `"${item}"`;
}
