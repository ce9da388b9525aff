/**
 * Errors a provider throws to answer a request with a typed error (SPEC §3, PROTOCOL.md §2.7, §5.4).
 * Each class marks its prototype with the wire tags it stands for (see protocol/error-mapping.ts).
 */
import { WIRE_TAGS, WIRE_TAGS_BY_CLASS_NAME } from '../protocol/error-mapping.js';

export { errorReplyFor, messageOf, WIRE_TAGS, wireTagsOf } from '../protocol/error-mapping.js';

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
    value: WIRE_TAGS_BY_CLASS_NAME[ctor.name],
    enumerable: false,
  });
}
