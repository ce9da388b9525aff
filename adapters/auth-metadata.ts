/**
 * Example Metadata Adapter:
 * - authenticates users against the `users` param (`"name:password,name2:password2"`); with
 *   `allowAnonymous` = `"true"` a client with no user name is let in too;
 * - resolves an item group by splitting it on spaces (the base-class default) and rejects items that
 *   do not match the `items` param, a regular expression;
 * - forwards the messages clients send (`sendMessage`) to the chat room of chat.ts.
 */
import { AccessError, CreditsError, ItemsError, MetadataProvider } from 'lsadapter';
import { chatRoom } from './_shared/chat-room.js';

/** Auth + item checks + chat forwarding. */
export default class AuthMetadata extends MetadataProvider {
  readonly #users = new Map<string, string>();
  #allowAnonymous = false;
  #items: RegExp = /^$/;

  override init(params: Record<string, string | null>): void {
    for (const entry of (params.users ?? '').split(',')) {
      const at = entry.indexOf(':');
      if (at > 0) this.#users.set(entry.slice(0, at).trim(), entry.slice(at + 1));
    }
    this.#allowAnonymous = params.allowAnonymous === 'true';
    try {
      this.#items = new RegExp(params.items ?? '^$');
    } catch (error) {
      throw new Error(
        `The "items" param is not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }

  override notifyUser(user: string | null, password: string | null): void {
    if (user === null) {
      if (this.#allowAnonymous) return;
      throw new AccessError('A user name is required');
    }
    if (this.#users.get(user) !== password)
      throw new AccessError(`Wrong user name or password for ${user}`);
  }

  override getItems(user: string | null, sessionId: string, group: string): string[] {
    const items = super.getItems(user, sessionId, group) as string[];
    const unknown = items.filter((item) => !this.#items.test(item));
    if (unknown.length > 0) throw new ItemsError(`Unknown items: ${unknown.join(', ')}`);
    return items;
  }

  override notifyUserMessage(user: string | null, _sessionId: string, message: string): void {
    if (message.trim() === '') throw new CreditsError('Empty message', -1, 'Say something');
    chatRoom().post({ user: user ?? 'anonymous', text: message, at: new Date() });
  }
}
