/**
 * Errors a provider throws to answer a request with a typed error (SPEC §3, PROTOCOL.md §2.7, §5.4),
 * and the mapping from a thrown value to the wire's exception reply.
 *
 * The mapping never relies on `instanceof` alone: an adapter module may import another copy of
 * lsadapter, so each class marks its prototype with a registry symbol (`Symbol.for`) and the mapping
 * also recognises the class names.
 */
import {
  chooseErrorTag,
  type ErrorReply,
  type ErrorTag,
  type ProxyRequestMethod,
} from '../protocol/index.js';

/** Registry symbol carrying the wire tags of an error class, most specific first. */
export const WIRE_TAGS: unique symbol = Symbol.for('lsadapter.wireTags') as never;

/** Base of every error a Data Adapter may throw from `init` (maps to `ED` on `DPI`). */
export class DataProviderError extends Error {
  override name = 'DataProviderError';
}
/** Thrown from `subscribe`/`unsubscribe`: the item cannot be (un)subscribed (`EU`). */
export class SubscribeError extends Error {
  override name = 'SubscribeError';
}
/** Thrown from `subscribe`/`unsubscribe`: a severe failure of the Data Adapter (`EF`). */
export class FailureError extends Error {
  override name = 'FailureError';
}
/** Thrown from a Metadata Adapter's `init` (`EM` on `MPI`). */
export class MetadataProviderError extends Error {
  override name = 'MetadataProviderError';
}
/** Thrown from `notifyUser*`: bad credentials or access refused (`EA`). */
export class AccessError extends Error {
  override name = 'AccessError';
}
/** Thrown from `notifyUser*`: a resource is temporarily unavailable; the client retries (`ER`, 1.9.0+). */
export class ResourceUnavailableError extends AccessError {
  override name = 'ResourceUnavailableError';
}
/** A refusal with a code and a message for the client (`EC`). */
export class CreditsError extends Error {
  override name = 'CreditsError';
  /** Code sent to the client: 0 (unspecified) or negative. */
  readonly clientCode: number;
  /** Message for the client; null shows an empty message on Server 7.4+. */
  readonly clientMessage: string | null;

  constructor(message: string, clientCode: number, clientMessage?: string | null) {
    super(message);
    this.clientCode = clientCode;
    this.clientMessage = clientMessage ?? null;
  }
}
/** A new session conflicts with an existing one, whose closure would solve it (`EX`, `NNS` only). */
export class ConflictingSessionError extends CreditsError {
  override name = 'ConflictingSessionError';
  /** Id of the session whose closure would allow the new one. */
  readonly conflictingSessionId: string;

  constructor(
    message: string,
    clientCode: number,
    clientMessage: string | null,
    conflictingSessionId: string,
  ) {
    super(message, clientCode, clientMessage);
    this.conflictingSessionId = conflictingSessionId;
  }
}
/** Thrown from `getItems`/`getSchema`: the item group cannot be resolved (`EI`). */
export class ItemsError extends Error {
  override name = 'ItemsError';
}
/** Thrown from `getSchema`: the field schema cannot be resolved (`ES`). */
export class SchemaError extends Error {
  override name = 'SchemaError';
}
/** Thrown from a `notify*` hook: the notification is refused (`EN`). */
export class NotificationError extends Error {
  override name = 'NotificationError';
}

const TAGS_BY_NAME: Record<string, readonly ErrorTag[]> = {
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

for (const ctor of [
  DataProviderError,
  SubscribeError,
  FailureError,
  MetadataProviderError,
  AccessError,
  ResourceUnavailableError,
  CreditsError,
  ConflictingSessionError,
  ItemsError,
  SchemaError,
  NotificationError,
]) {
  Object.defineProperty(ctor.prototype, WIRE_TAGS, {
    value: TAGS_BY_NAME[ctor.name],
    enumerable: false,
  });
}

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
    const found = name === undefined ? undefined : TAGS_BY_NAME[name];
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
