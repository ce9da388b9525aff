/**
 * Example Data Adapter: one item, `chat_room`, whose updates are the messages clients send through
 * the Metadata Adapter's `notifyUserMessage` (see auth-metadata.ts). Fields: `user`, `message`,
 * `timestamp`. The snapshot is the last `historySize` messages (params, default 10).
 */
import { DataProvider, type ItemEventListener, SubscribeError } from 'lsadapter';
import { type ChatMessage, chatRoom } from './_shared/chat-room.js';

const ITEM = 'chat_room';

/** The chat feed. */
export default class Chat extends DataProvider {
  readonly #history: ChatMessage[] = [];
  #historySize = 10;
  #subscribed = false;
  readonly #onMessage = (message: ChatMessage): void => {
    this.#history.push(message);
    if (this.#history.length > this.#historySize) this.#history.shift();
    if (this.#subscribed)
      (this.listener as ItemEventListener).update(ITEM, fieldsOf(message), false);
  };

  override init(params: Record<string, string | null>): void {
    this.#historySize = Math.max(0, Number(params.historySize ?? 10) || 0);
    chatRoom().on('message', this.#onMessage);
  }

  override isSnapshotAvailable(): boolean {
    return true;
  }

  override subscribe(item: string): void {
    if (item !== ITEM)
      throw new SubscribeError(`Unknown item ${item}: the chat adapter serves "${ITEM}" only`);
    const listener = this.listener as ItemEventListener;
    for (const message of this.#history) listener.update(ITEM, fieldsOf(message), true);
    listener.endOfSnapshot(ITEM);
    this.#subscribed = true;
  }

  override unsubscribe(): void {
    this.#subscribed = false;
  }

  override close(): void {
    chatRoom().off('message', this.#onMessage);
  }
}

function fieldsOf(message: ChatMessage): Record<string, string> {
  return { user: message.user, message: message.text, timestamp: message.at.toISOString() };
}

/** Lets `lsadapter start` run this module with no config entry of its own. */
export const settings = { kind: 'data' } as const;
