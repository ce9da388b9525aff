/**
 * Shared by the metadata handler tests: decode a literal Proxy line, serve it with a provider, and
 * record what the provider received. Providers run in two variants — hooks answering synchronously
 * and hooks answering with a Promise settled on a later tick — so every vector covers both.
 */
import {
  type Dialect,
  decodeProxyLine,
  dialectOf,
  METADATA_REQUEST_METHODS,
  type MetadataRequest,
} from '../../src/protocol/index.js';
import type { Logger } from '../../src/sdk/logger.js';
import {
  handleMetadataRequest,
  type MetadataProviderLike,
} from '../../src/session/metadata-handlers.js';

/** Protocol 1.9.1, the default of the PROTOCOL.md §8 vectors. */
export const V191 = dialectOf('1.9.1');
/** Protocol 1.8.3 (the Python SDK's vectors). */
export const V183 = dialectOf('1.8.3');

/** How the provider's hooks answer. */
export type Variant = 'sync' | 'async';
/** Both variants, for `describe.each`. */
export const VARIANTS: Variant[] = ['sync', 'async'];

/** One recorded hook call. */
export type Call = [name: string, args: unknown[]];

/** A logger that keeps what was logged, per level. */
export function recordingLogger(): Logger & { records: Array<[level: string, args: unknown[]]> } {
  const records: Array<[string, unknown[]]> = [];
  const at =
    (level: string) =>
    (...args: unknown[]): void => {
      records.push([level, args]);
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Decodes `line` as a metadata request of `dialect`; fails the test on anything else. */
export function decodeMetadataRequest(line: string, dialect: Dialect): MetadataRequest {
  const message = decodeProxyLine(line, dialect);
  const methods: readonly string[] = METADATA_REQUEST_METHODS;
  if (message.kind !== 'request' || message.method === 'MPI' || !methods.includes(message.method)) {
    throw new Error(`Not a metadata request: ${line}`);
  }
  return message as MetadataRequest;
}

/** Wraps each hook so calls are recorded and, for `async`, answered on a later tick. */
export function instrument(
  hooks: object,
  variant: Variant,
): { provider: MetadataProviderLike; calls: Call[] } {
  const calls: Call[] = [];
  const provider: Record<string, unknown> = {};
  for (const [name, hook] of Object.entries(hooks)) {
    if (typeof hook !== 'function') {
      provider[name] = hook;
      continue;
    }
    const fn = hook as (...args: unknown[]) => unknown;
    provider[name] = function (this: unknown, ...args: unknown[]): unknown {
      calls.push([name, args]);
      if (variant === 'sync') return fn.apply(this, args);
      return new Promise((resolve) => setImmediate(resolve)).then(() => fn.apply(this, args));
    };
  }
  return { provider: provider as MetadataProviderLike, calls };
}

/** Serves `line` with `provider` and resolves to the reply line. */
export function serve(
  line: string,
  provider: MetadataProviderLike,
  dialect: Dialect = V191,
  logger: Logger = recordingLogger(),
): Promise<string> {
  return handleMetadataRequest(provider, decodeMetadataRequest(line, dialect), { dialect, logger });
}

/** A hook that throws `error`. */
export function throwing(error: unknown): () => never {
  return () => {
    throw error;
  };
}

/** The arguments of the only call of `name`. */
export function argsOf(calls: Call[], name: string): unknown[] {
  const found = calls.filter(([called]) => called === name);
  if (found.length !== 1) throw new Error(`${name} was called ${found.length} times`);
  return (found[0] as Call)[1];
}
