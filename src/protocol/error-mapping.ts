/**
 * From a value a provider threw to the wire's exception reply (PROTOCOL.md §2.7, §5.4).
 *
 * The SDK's error classes (sdk/errors.ts) mark their prototypes with {@link WIRE_TAGS}, a registry
 * symbol, so the mapping works even when an adapter module imports another copy of lsadapter; class
 * names are recognised as a fallback. This module knows no class: it reads marks and names.
 */
import { types } from 'node:util';
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
  try {
    return readWireTags(error);
  } catch {
    // A hostile value (a revoked Proxy, a throwing getter): answer it as a generic error.
    return [];
  }
}

function readWireTags(error: object): readonly ErrorTag[] {
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

/** Stands in for the message of a thrown value that cannot be turned into text. */
export const UNREADABLE_MESSAGE = 'An error whose message cannot be read';

/**
 * The message of a thrown value (SPEC §3): `error.message` for an Error (also one from another
 * realm), `String(value)` for anything else (`throw 'boom'` → `boom`, `throw null` → `null`, a
 * plain object → `[object Object]`). Never throws: a value that cannot be converted (a getter that
 * throws, an object without a prototype) gives {@link UNREADABLE_MESSAGE}.
 */
export function messageOf(error: unknown): string {
  try {
    return isError(error) ? String(error.message) : String(error);
  } catch {
    return UNREADABLE_MESSAGE;
  }
}

function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/**
 * The exception reply for a value thrown while serving `method` (§2.7, §5.4): the most specific tag
 * the method allows, else `E`, with the credits fields where the tag carries them. Never throws: a
 * value whose credits fields cannot be read is answered with a generic `E`.
 */
export function errorReplyFor(
  error: unknown,
  method: ProxyRequestMethod,
  supportsResourceUnavailable: boolean,
): ErrorReply {
  const tag = chooseErrorTag(method, wireTagsOf(error), supportsResourceUnavailable);
  const reply: ErrorReply = { tag, message: messageOf(error) };
  if (tag !== 'EC' && tag !== 'EX') return reply;
  try {
    return withCreditsFields(reply, error);
  } catch {
    return { tag: 'E', message: reply.message };
  }
}

function withCreditsFields(reply: ErrorReply, error: unknown): ErrorReply {
  const credits = error as {
    clientCode?: unknown;
    clientMessage?: unknown;
    conflictingSessionId?: unknown;
  };
  const out: ErrorReply = {
    ...reply,
    clientCode: Number.isSafeInteger(credits.clientCode) ? (credits.clientCode as number) : 0,
    clientMessage: credits.clientMessage == null ? null : String(credits.clientMessage),
  };
  if (reply.tag === 'EX') {
    out.conflictingSessionId =
      credits.conflictingSessionId == null ? null : String(credits.conflictingSessionId);
  }
  return out;
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
