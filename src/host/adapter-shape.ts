/**
 * What an adapter module's default export must look like (SPEC §3, §4), judged by shape alone:
 * a module may import another copy of `lsadapter` than the host's (or none at all), so
 * `instanceof DataProvider` would say no to perfectly good adapters.
 */
import type { AdapterKind } from './config-schema.js';
import { ModuleShapeError } from './errors.js';

/** Methods a data adapter may have (SPEC §3 DataProvider). */
export const DATA_ADAPTER_METHODS = [
  'init',
  'setListener',
  'subscribe',
  'unsubscribe',
  'isSnapshotAvailable',
  'close',
] as const;

/** Methods a data adapter must have; the host supplies the others. */
export const REQUIRED_DATA_ADAPTER_METHODS = ['subscribe', 'unsubscribe'] as const;

/** Methods a metadata adapter may have (SPEC §3 MetadataProvider); none is required. */
export const METADATA_ADAPTER_METHODS = [
  'init',
  'notifyUser',
  'notifyUserWithPrincipal',
  'getItems',
  'getSchema',
  'getAllowedMaxBandwidth',
  'getAllowedMaxItemFrequency',
  'getAllowedBufferSize',
  'isModeAllowed',
  'modeMayBeAllowed',
  'getMinSourceFrequency',
  'getDistinctSnapshotLength',
  'notifyUserMessage',
  'notifyNewSession',
  'notifySessionClose',
  'wantsTablesNotification',
  'notifyNewTables',
  'notifyTablesClose',
  'notifyMpnDeviceAccess',
  'notifyMpnSubscriptionActivation',
  'notifyMpnDeviceTokenChange',
  'getSessionTimeToLive',
  'enableTableUnsubscription',
  'wantsFinalTableStatistics',
  'setListener',
  'close',
] as const;

/** A class the host can instantiate with `new`, without arguments. */
export type AdapterClass = new () => object;

const CLASS_SOURCE = /^class\b/;

/**
 * Whether an export is a class (the host calls `new` on it, once per connection) rather than an
 * object used as it is. True for `class` declarations, and for old-style constructor functions
 * whose `prototype` carries methods; false for arrow, async and generator functions and for
 * plain functions with an empty prototype, which are not meant to be constructed.
 */
export function isClassExport(value: unknown): value is AdapterClass {
  if (typeof value !== 'function') return false;
  if (CLASS_SOURCE.test(Function.prototype.toString.call(value))) return true;
  const prototype: unknown = value.prototype;
  if (typeof prototype !== 'object' || prototype === null) return false;
  // Generator functions have a prototype too, but it is not the prototype of `new` results.
  if (Object.getPrototypeOf(value) !== Function.prototype) return false;
  return Object.getOwnPropertyNames(prototype).some((key) => key !== 'constructor');
}

/** The object whose methods an export's instances will have: a class's prototype, or the object. */
function methodSource(exported: unknown): object | undefined {
  if (isClassExport(exported)) return exported.prototype as object;
  return isAdapterObject(exported) ? exported : undefined;
}

function isAdapterObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The kind of an adapter: `explicit` (the config's `kind`) when given, else `data` when the
 * export (or, for a class, its prototype chain) has a `subscribe` method, else `metadata`.
 *
 * A class whose prototype chain has no adapter method at all may create its methods in its
 * constructor (class fields, `subscribe = async (item) => …`): one instance is made to look, as
 * the shape check would. A constructor that throws leaves the answer `metadata`; the error
 * surfaces where the instance is needed.
 */
export function detectKind(exported: unknown, explicit?: AdapterKind): AdapterKind {
  if (explicit !== undefined) return explicit;
  const source = methodSource(exported);
  if (source === undefined) return 'metadata';
  if (hasFunction(source, 'subscribe')) return 'data';
  if (!isClassExport(exported) || hasAnyAdapterMethod(source)) return 'metadata';
  try {
    return hasFunction(new exported(), 'subscribe') ? 'data' : 'metadata';
  } catch {
    return 'metadata';
  }
}

function hasAnyAdapterMethod(source: object): boolean {
  const names = new Set<string>([...DATA_ADAPTER_METHODS, ...METADATA_ADAPTER_METHODS]);
  return [...names].some((name) => hasFunction(source, name));
}

/**
 * The provider object for one connection: a new instance of a class export (constructed
 * without arguments), or an object export as it is.
 *
 * @throws {TypeError} when the export is neither (check it first with {@link checkExportType}).
 */
export function createAdapterInstance(exported: unknown): object {
  if (isClassExport(exported)) return new exported();
  if (isAdapterObject(exported)) return exported;
  throw new TypeError(`An adapter export must be a class or an object, not ${typeName(exported)}`);
}

/** Context for shape error messages. */
export interface ShapeContext {
  /** Absolute path of the module. */
  readonly modulePath: string;
  /**
   * The adapter's name.
   * @default undefined
   */
  readonly adapter?: string | undefined;
}

/**
 * Checks that an export is a class or an object.
 *
 * @throws {ModuleShapeError} otherwise (a plain function, a primitive, null).
 */
export function checkExportType(exported: unknown, context: ShapeContext): void {
  if (isClassExport(exported) || isAdapterObject(exported)) return;
  const why =
    typeof exported === 'function'
      ? 'a function that is not a class (export a class, or an object with the adapter methods)'
      : typeName(exported);
  throw new ModuleShapeError(
    context.modulePath,
    `the default export must be a class or an object, not ${why}`,
    {},
    { adapter: context.adapter },
  );
}

/**
 * Checks an instance (or an object export, or a class's prototype) against its kind: a data
 * adapter needs `subscribe` and `unsubscribe`; for both kinds, a known method name (see
 * {@link DATA_ADAPTER_METHODS}, {@link METADATA_ADAPTER_METHODS}) whose value is not a function
 * is an error.
 *
 * @throws {ModuleShapeError} naming every missing method and every non-function.
 */
export function checkAdapterShape(target: object, kind: AdapterKind, context: ShapeContext): void {
  const known = kind === 'data' ? DATA_ADAPTER_METHODS : METADATA_ADAPTER_METHODS;
  const required: readonly string[] = kind === 'data' ? REQUIRED_DATA_ADAPTER_METHODS : [];
  const values = target as Record<string, unknown>;
  const missing = required.filter((name) => values[name] === undefined);
  const notFunctions = known.filter(
    (name) => values[name] !== undefined && typeof values[name] !== 'function',
  );
  if (missing.length === 0 && notFunctions.length === 0) return;
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(`missing ${plural(missing.length, 'method')} ${missing.join(', ')}`);
  }
  if (notFunctions.length > 0) {
    problems.push(
      `${notFunctions.join(', ')} ${notFunctions.length === 1 ? 'is' : 'are'} not a function`,
    );
  }
  throw new ModuleShapeError(
    context.modulePath,
    `not a valid ${kind} adapter: ${problems.join('; ')}`,
    { missing, notFunctions },
    { adapter: context.adapter },
  );
}

/**
 * An object that calls the instance's methods, and the methods of `defaults` for the ones the
 * instance lacks, so that a plain object with a few methods behaves like a full provider.
 *
 * The instance's methods run with `this` = the instance (its `#private` fields work). The
 * defaults run with `this` = a view of the instance: reading a property finds the instance's
 * first, then the defaults' (so a default may call another method, overridden or not), and
 * writing one writes the instance's (so a default `setListener(l) { this.listener = l }` stores
 * the listener where the instance's own `subscribe` reads it). The methods considered are the
 * functions of either prototype chain, up to (excluding) `Object.prototype`.
 */
export function withDefaults<T extends object>(instance: object, defaults: T): T {
  const own = instance as Record<PropertyKey, unknown>;
  const fallback = defaults as Record<PropertyKey, unknown>;
  const view: object = new Proxy(instance, {
    get: (target, key) =>
      key in target ? Reflect.get(target, key, target) : Reflect.get(defaults, key, view),
    set: (target, key, value) => Reflect.set(target, key, value, target),
  });
  const combined: Record<string, unknown> = {};
  for (const name of new Set([...methodNames(defaults), ...methodNames(instance)])) {
    const method = own[name];
    if (typeof method === 'function') combined[name] = method.bind(instance);
    else if (typeof fallback[name] === 'function') combined[name] = fallback[name].bind(view);
  }
  return combined as T;
}

function methodNames(target: object): string[] {
  const names: string[] = [];
  for (
    let o: object | null = target;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      // Only plain function values: reading a getter could run user code.
      if (descriptor !== undefined && typeof descriptor.value === 'function') names.push(name);
    }
  }
  return names;
}

function hasFunction(source: object, name: string): boolean {
  return typeof (source as Record<string, unknown>)[name] === 'function';
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
