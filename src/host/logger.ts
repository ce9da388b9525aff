/**
 * The host's logger (SPEC §6): pino, JSON lines by default, human-readable with `pretty`, and
 * secrets masked wherever they sit.
 *
 * Two layers keep passwords and credentials out of the output:
 * - pino's `redact` censors the paths we know (`credentials`, `*.password`, `tls.key`, …);
 * - a formatter masks, at any depth, every key that looks secret ({@link SECRET_KEY}), because
 *   adapter `params` and user objects may hold secrets under names nobody can list up front.
 *   Errors are serialized before masking, so their own properties are covered too.
 *
 * Writes are synchronous (pino's default sonic-boom with `sync: true`, and pino-pretty's
 * formatter called in-process rather than as a worker transport) so that nothing logged just
 * before the process exits is lost.
 */
import { pino } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
import type { LogLevel } from './config-schema.js';

/** The logger the host and its adapters use: a pino logger. */
export type HostLogger = pino.Logger;

/** What replaces a secret value in the output. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are masked at any depth: passwords, secrets, tokens, credentials,
 * passphrases, private and API keys, authorization headers and cookies.
 */
export const SECRET_KEY =
  /pass(word|phrase)?|secret|token|credential|private.?key|api.?key|authorization|cookie/i;

/** Paths pino censors itself (a second net under {@link SECRET_KEY}). */
export const REDACT_PATHS: readonly string[] = [
  'password',
  'credentials',
  'tls.key',
  '*.password',
  '*.credentials',
  '*.tls.key',
  '*.*.password',
  '*.*.credentials',
  'options.credentials.password',
  'params.password',
];

/** Objects nested deeper than this are replaced by a marker: they cannot be checked cheaply. */
const MAX_DEPTH = 12;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Minimum level written.
   * @default "info"
   */
  level?: LogLevel;
  /**
   * Human-readable, colored (on a color terminal) lines instead of JSON.
   * @default false
   */
  pretty?: boolean;
  /**
   * Where lines go: a stream with `write(line)` (tests use an in-memory one) or a file
   * descriptor, written synchronously.
   * @default 1 (stdout)
   */
  destination?: pino.DestinationStream | number;
  /**
   * Fields added to every record, in place of pino's `pid` and `hostname` (`name` is always
   * added).
   * @default { pid, hostname }
   */
  base?: Record<string, unknown>;
}

/**
 * Creates the host's root logger. Per adapter and per connection, use
 * `logger.child({ adapter, server })`: bindings are masked like every record.
 */
export function createLogger(options: LoggerOptions = {}): HostLogger {
  const target = options.destination ?? 1;
  const sink = typeof target === 'number' ? pino.destination({ dest: target, sync: true }) : target;
  const logger = pino(
    {
      level: options.level ?? 'info',
      name: 'lsadapter',
      ...(options.base === undefined ? {} : { base: options.base }),
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // The log formatter below has already turned errors into masked plain objects; pino's
      // own error serializer would serialize them a second time.
      serializers: { err: maskSecrets },
      formatters: {
        log: (record) => maskRecord(record),
        bindings: (bindings) => maskRecord(bindings),
      },
    },
    options.pretty === true ? prettyDestination(sink) : sink,
  );
  maskChildBindings(logger);
  return logger;
}

/**
 * pino applies the bindings formatter to the root's bindings only, so children (which are
 * created from their parent by prototype, and so inherit this override) mask theirs here.
 */
function maskChildBindings(logger: HostLogger): void {
  const child = logger.child;
  logger.child = function maskedChild(this: HostLogger, bindings, childOptions) {
    return child.call(this, maskRecord(bindings), childOptions);
  } as HostLogger['child'];
}

/**
 * Writes out whatever the logger still buffers (call it before the process exits). Resolves
 * once done, or after `timeoutMs` if the destination never answers.
 *
 * @param timeoutMs - bound of the wait in ms; default 1000.
 */
export function flushLogger(logger: HostLogger, timeoutMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      logger.flush(done);
    } catch {
      // A destination that is already closed has nothing left to write.
      done();
    }
  });
}

/**
 * Returns `value` with every secret-looking key's value replaced by {@link REDACTED}, at any
 * depth. Unchanged objects are returned as they are (no copy); Errors become plain objects
 * (pino's serialization) so their properties are checked; cycles become `"[Circular]"`.
 */
export function maskSecrets(value: unknown): unknown {
  return maskValue(value, new Set(), 0);
}

function maskRecord(record: Record<string, unknown>): Record<string, unknown> {
  return maskValue(record, new Set(), 0) as Record<string, unknown>;
}

function maskValue(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (value instanceof Error) return maskValue(pino.stdSerializers.err(value), ancestors, depth);
  if (!isInspectable(value)) return value;
  if (depth >= MAX_DEPTH) return '[Too deep to log]';
  ancestors.add(value);
  try {
    return Array.isArray(value)
      ? maskArray(value, ancestors, depth)
      : maskObject(value as Record<string, unknown>, ancestors, depth);
  } finally {
    ancestors.delete(value);
  }
}

function maskArray(items: unknown[], ancestors: Set<object>, depth: number): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const masked = maskValue(items[i], ancestors, depth + 1);
    if (masked !== items[i]) {
      copy ??= [...items];
      copy[i] = masked;
    }
  }
  return copy ?? items;
}

function maskObject(
  object: Record<string, unknown>,
  ancestors: Set<object>,
  depth: number,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const original = object[key];
    const masked =
      SECRET_KEY.test(key) && original !== undefined && original !== null
        ? REDACTED
        : maskValue(original, ancestors, depth + 1);
    if (masked !== original) {
      copy ??= { ...object };
      copy[key] = masked;
    }
  }
  return copy ?? object;
}

/**
 * Plain objects, arrays and class instances are walked; values that serialize themselves
 * (`toJSON`: Dates, Buffers) and binary data are left alone.
 */
function isInspectable(value: object): boolean {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * A destination that formats each JSON line with pino-pretty synchronously and writes it to
 * `sink` (pino-pretty's own stream pipes through asynchronous transforms, which would lose the
 * last lines on exit).
 */
function prettyDestination(sink: pino.DestinationStream): pino.DestinationStream {
  const format = prettyFactory({
    colorize: isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  });
  const flushable = sink as pino.DestinationStream & { flush?: (cb: () => void) => void };
  return {
    write(line: string) {
      sink.write(format(line));
    },
    flush(callback: () => void) {
      if (typeof flushable.flush === 'function') flushable.flush(callback);
      else callback();
    },
  } as pino.DestinationStream;
}
