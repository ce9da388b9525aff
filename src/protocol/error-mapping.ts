/**
 * From a value a provider threw to the wire's exception reply (PROTOCOL.md §2.7, §5.4).
 *
 * The SDK's error classes (sdk/errors.ts) mark their prototypes with {@link WIRE_TAGS}, a registry
 * symbol, so the mapping works even when an adapter module imports another copy of lsadapter; class
 * names are recognised as a fallback. This module knows no class: it reads marks and names.
 */
import { chooseErrorTag, type ErrorTag, type ProxyRequestMethod } from './codes.js';
import type { ErrorReply } from './messages.js';

/** Registry symbol carrying the wire tags of an error class, most specific first. */
export const WIRE_TAGS: unique symbol = Symbol.for('lsadapter.wireTags') as never;

/** Wire tags by error class name, most specific first. */
export const WIRE_TAGS_BY_CLASS_NAME: Record<string, readonly ErrorTag[]> = {
  DataProviderError: ['ED'],
  SubscribeError: ['EU'],
  FailureError: ['EF'],
  MetadataProviderError: ['EM'],
  AccessError: ['EA'],
  ResourceUnavailableError: ['ER', 'EA'],
  CreditsError: ['EC'],
  ConflictingSessionError: ['EX', 'EC'],
  ItemsError: ['EI'],
  SchemaError: ['ES'],
  NotificationError: ['EN'],
};

/** The wire tags a thrown value stands for, most specific first (empty for a generic error). */
export function wireTagsOf(error: unknown): readonly ErrorTag[] {
  if (typeof error !== 'object' || error === null) return [];
  const marked = (error as { [WIRE_TAGS]?: unknown })[WIRE_TAGS];
  if (Array.isArray(marked)) return marked as ErrorTag[];
  // Another copy of lsadapter with an older registry, or a user class named like ours: walk the chain.
  const tags: ErrorTag[] = [];
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const name = (proto.constructor as { name?: string } | undefined)?.name;
    const found = name === undefined ? undefined : WIRE_TAGS_BY_CLASS_NAME[name];
    if (found) tags.push(...found);
  }
  return tags;
}

/** The message of a thrown value (SPEC §3): `error.message` for an Error, `String(value)` otherwise. */
export function messageOf(error: unknown): string {
  return error instanceof Error ||
    (typeof error === 'object' && error !== null && 'message' in error)
    ? String((error as { message: unknown }).message)
    : String(error);
}

/**
 * The exception reply for a value thrown while serving `method` (§2.7, §5.4): the most specific tag
 * the method allows, else `E`, with the credits fields where the tag carries them.
 */
export function errorReplyFor(
  error: unknown,
  method: ProxyRequestMethod,
  supportsResourceUnavailable: boolean,
): ErrorReply {
  const tag = chooseErrorTag(method, wireTagsOf(error), supportsResourceUnavailable);
  const reply: ErrorReply = { tag, message: messageOf(error) };
  if (tag === 'EC' || tag === 'EX') {
    const credits = error as {
      clientCode?: unknown;
      clientMessage?: unknown;
      conflictingSessionId?: unknown;
    };
    reply.clientCode = Number.isInteger(credits.clientCode) ? (credits.clientCode as number) : 0;
    reply.clientMessage = credits.clientMessage == null ? null : String(credits.clientMessage);
    if (tag === 'EX') {
      reply.conflictingSessionId =
        credits.conflictingSessionId == null ? null : String(credits.conflictingSessionId);
    }
  }
  return reply;
}

/**
 * An error that maps to a credits refusal (`EC`) without needing the SDK's class: used for the
 * protocol-level default answers (e.g. a refused user message, §5.4).
 */
export function creditsRefusal(
  message: string,
  clientCode = 0,
  clientMessage: string | null = null,
): Error {
  const error = new Error(message);
  error.name = 'CreditsError';
  Object.defineProperty(error, WIRE_TAGS, { value: ['EC'], enumerable: false });
  return Object.assign(error, { clientCode, clientMessage });
}
