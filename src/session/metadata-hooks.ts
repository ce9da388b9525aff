/**
 * Calling a Metadata Adapter's hooks safely: a hook the provider lacks behaves as the
 * `MetadataProvider` default, a synchronous throw becomes a rejection, and what a hook
 * returns is checked against what the protocol can carry, with an error that says what was wrong.
 */

import { creditsRefusal } from '../protocol/error-mapping.js';
import type { Pairs } from '../protocol/index.js';
import type { MetadataHooks, NameValueMap } from './metadata-types.js';

/**
 * What the handlers need from a provider: any subset of the {@link MetadataHooks} (the host fills
 * in defaults; a hook still missing behaves as the default).
 */
export type MetadataProviderLike = Partial<MetadataHooks>;

/** A provider hook answered with a value the protocol cannot carry; replied as `E`. */
export class InvalidResultError extends Error {
  override name = 'InvalidResultError';
}

/** Splits a group or schema on runs of spaces, dropping empty names (`null` → `[]`). */
export function splitNameList(text: string | null | undefined): string[] {
  return text ? text.split(' ').filter((name) => name !== '') : [];
}

/**
 * Builds the object a provider receives for header or context pairs: no prototype (so names such
 * as `__proto__` or `constructor` are plain keys); the last value of a repeated name wins.
 */
export function toNameValueMap(pairs: Pairs): NameValueMap {
  const map: NameValueMap = Object.create(null);
  for (const [name, value] of pairs) map[name] = value;
  return map;
}

/** The provider methods a request may call. */
export type Hook = Exclude<keyof MetadataHooks, 'listener' | 'init' | 'setListener' | 'close'>;
type HookArgs<K extends Hook> = Parameters<MetadataHooks[K]>;

const accept = (): void => {};

/** The `MetadataProvider` defaults, for hooks a provider object lacks. */
const DEFAULT_HOOKS: { [K in Hook]: (...args: HookArgs<K>) => unknown } = {
  notifyUser: accept,
  notifyUserWithPrincipal: accept,
  getItems: (_user, _sessionId, group) => splitNameList(group),
  getSchema: (_user, _sessionId, _group, schema) => splitNameList(schema),
  getAllowedMaxBandwidth: () => 0,
  getAllowedMaxItemFrequency: () => 0,
  getAllowedBufferSize: () => 0,
  isModeAllowed: () => true,
  modeMayBeAllowed: () => true,
  getMinSourceFrequency: () => 0,
  getDistinctSnapshotLength: () => 0,
  notifyUserMessage: () => Promise.reject(creditsRefusal('Unsupported function', 0)),
  notifyNewSession: accept,
  notifySessionClose: accept,
  wantsTablesNotification: () => false,
  notifyNewTables: accept,
  notifyTablesClose: accept,
  notifyMpnDeviceAccess: accept,
  notifyMpnSubscriptionActivation: accept,
  notifyMpnDeviceTokenChange: accept,
  getSessionTimeToLive: () => 0,
  enableTableUnsubscription: () => false,
  wantsFinalTableStatistics: () => false,
};

/**
 * Calls hook `name` as a method of `provider` (or its default when absent) and resolves to what it
 * answered, unchecked; a synchronous throw becomes a rejection.
 */
export async function callHook<K extends Hook>(
  provider: MetadataProviderLike,
  name: K,
  args: HookArgs<K>,
): Promise<unknown> {
  const hook: unknown = provider[name];
  if (hook == null) return (DEFAULT_HOOKS[name] as (...a: unknown[]) => unknown)(...args);
  if (typeof hook !== 'function') {
    throw new InvalidResultError(
      `The Metadata Adapter's ${name} is ${describe(hook)}, not a function`,
    );
  }
  return await (hook as (...a: unknown[]) => unknown).apply(provider, args);
}

const INT32_MAX = 2 ** 31 - 1;

function invalid(what: string, value: unknown, expected: string): InvalidResultError {
  return new InvalidResultError(
    `The Metadata Adapter's ${what} returned ${describe(value)}: expected ${expected}`,
  );
}

/** `value` if it is a boolean; `what` names the call in the error. */
export function expectBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalid(what, value, 'true or false');
  return value;
}

/** A size or length (`I` value, 0 = unlimited or none). */
export function expectCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > INT32_MAX) {
    throw invalid(what, value, `a whole number from 0 to ${INT32_MAX}`);
  }
  return value;
}

/** A frequency or bandwidth (`D` value, 0 = unlimited). */
export function expectRate(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(what, value, 'a finite number >= 0');
  }
  return value;
}

/** A session time-to-live in seconds; null or undefined count as 0 (none). */
export function expectTimeToLive(value: unknown, what: string): number {
  if (value == null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > INT32_MAX) {
    throw invalid(what, value, 'a whole number of seconds (0 or less for none)');
  }
  return value;
}

/** An array of item or field names. */
export function expectNames(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw invalid(what, value, 'an array of strings');
  }
  return value;
}

/** A short description of a value, for error messages. */
function describe(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return show(value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const bad = value.findIndex((element) => typeof element !== 'string');
    return bad < 0 ? 'an array' : `an array whose element ${bad} is ${describe(value[bad])}`;
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** An argument as it appears in an error message: strings quoted and shortened. */
export function show(value: string | number | null): string {
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
