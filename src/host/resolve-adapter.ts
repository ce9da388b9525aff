/**
 * From a config entry and a module's `settings` export to the adapter the host runs (SPEC §4,
 * §5): merge the two (the config file wins), check the rules that need the merged entry, and
 * work out the connections the adapter makes or accepts.
 */
import * as z from 'zod';
import {
  ADAPTER_KINDS,
  type AdapterEntry,
  type AdapterKind,
  type AdapterSettings,
  adapterEntrySchema,
  type Credentials,
  DEFAULT_ADAPTER_ENABLED,
  type ListenSettings,
  type LsAdapterConfig,
  type TlsSetting,
} from './config-schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { formatZodIssues } from './format-issues.js';

/** An adapter entry after the merge with its module's settings, defaults applied. */
export type ResolvedAdapter = z.output<typeof resolvedAdapterSchema> & {
  /** The adapter's name (its key in `adapters`, or its module's file name). */
  readonly name: string;
};

const CONNECTION_KEYS = ['port', 'notifyPort', 'listen'] as const;

const resolvedAdapterSchema = adapterEntrySchema
  .extend({
    kind: z.enum(ADAPTER_KINDS),
    enabled: z.boolean().default(DEFAULT_ADAPTER_ENABLED),
    params: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((entry, ctx) => {
    // A disabled entry never connects, so its connection settings may be incomplete.
    if (!entry.enabled) return;
    const issue = (message: string, path: PropertyKey[] = []) =>
      ctx.addIssue({ code: 'custom', message, path });
    if (entry.port === undefined && entry.listen === undefined) {
      issue(
        'Required: give the Proxy Adapter\'s port (here or in the module\'s "settings" export), or "listen" to accept its connections',
        ['port'],
      );
    }
    if (entry.port !== undefined && entry.listen !== undefined) {
      issue(
        'Give either "port" (dial the Proxy Adapter) or "listen" (accept its connections), not both',
      );
    }
    if (entry.notifyPort === undefined) return;
    if (entry.kind !== 'data') {
      issue('Only data adapters have a notifyPort; remove it from this metadata adapter', [
        'notifyPort',
      ]);
    } else if (entry.listen !== undefined) {
      issue('"listen" supports the single-connection mode only (Server 7.4+); remove notifyPort', [
        'notifyPort',
      ]);
    } else if (entry.notifyPort === entry.port) {
      issue('notifyPort must differ from port', ['notifyPort']);
    }
  });

/**
 * Merges a module's `settings` under its config entry: each key the config entry sets wins,
 * and `params` are merged key by key. `port`, `notifyPort` and `listen` describe the
 * connection together: when the config entry sets `port` or `listen`, the module's values of
 * all three are ignored.
 */
export function mergeAdapterEntry(
  configEntry: AdapterEntry = {},
  settings: AdapterSettings = {},
): AdapterEntry {
  const own = definedOnly(configEntry);
  const connectionFromConfig = own.port !== undefined || own.listen !== undefined;
  const base: Record<string, unknown> = { ...definedOnly(settings) };
  if (connectionFromConfig) for (const key of CONNECTION_KEYS) delete base[key];
  const merged: AdapterEntry = { ...base, ...own };
  if (settings.params !== undefined || own.params !== undefined) {
    merged.params = { ...settings.params, ...own.params };
  }
  return merged;
}

/** The outcome of {@link checkAdapterEntry}. */
export type AdapterCheck =
  | { readonly ok: true; readonly adapter: ResolvedAdapter }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * Like {@link resolveAdapterEntry}, but returns the problems instead of throwing (for
 * `lsadapter validate`, which reports every problem of every adapter).
 */
export function checkAdapterEntry(
  name: string,
  configEntry: AdapterEntry | undefined,
  moduleSettings: AdapterSettings | undefined,
  detectedKind: AdapterKind,
): AdapterCheck {
  const merged = mergeAdapterEntry(configEntry, moduleSettings);
  const result = resolvedAdapterSchema.safeParse(
    { ...merged, kind: merged.kind ?? detectedKind },
    { reportInput: true },
  );
  if (!result.success) {
    const issues = formatZodIssues(result.error.issues, resolvedAdapterSchema, ['adapters', name]);
    return { ok: false, issues };
  }
  return { ok: true, adapter: { ...result.data, name } };
}

/**
 * Resolves one adapter: merges its module's `settings` under its config entry (see
 * {@link mergeAdapterEntry}), takes the kind from the merged entry or else `detectedKind`, applies
 * the defaults, and checks the rules that need the merged entry: `port` or `listen` present
 * (not both), `notifyPort` only on data adapters and not with `listen`.
 *
 * @param name - the adapter's name, used in the issue paths (`adapters.<name>.port`).
 * @param detectedKind - the kind the module's export has (see `detectKind`).
 * @throws {ConfigError} listing every problem.
 */
export function resolveAdapterEntry(
  name: string,
  configEntry: AdapterEntry | undefined,
  moduleSettings: AdapterSettings | undefined,
  detectedKind: AdapterKind,
): ResolvedAdapter {
  const check = checkAdapterEntry(name, configEntry, moduleSettings, detectedKind);
  if (!check.ok) throw new ConfigError(check.issues);
  return check.adapter;
}

/** Settings shared by both connection directions. */
interface TargetCommon {
  /** TLS settings as configured (`false` = plain TCP). */
  readonly tls: TlsSetting;
  /** Credentials to send, when configured. */
  readonly credentials?: Credentials | undefined;
  /** Configured keepalive interval in ms, when configured (else the protocol's rules). */
  readonly keepaliveMs?: number | undefined;
  /** `host:port`, as shown in logs and `/readyz`. */
  readonly label: string;
}

/** One Proxy Adapter the host dials for an adapter. */
export interface ServerTarget extends TargetCommon {
  /** Host of the Proxy Adapter. */
  readonly host: string;
  /** Its request/reply port. */
  readonly port: number;
  /** Its notify port (two-connection mode of Servers 7.0–7.3), when configured. */
  readonly notifyPort?: number | undefined;
}

/** The address an adapter in `listen` mode accepts Proxy Adapter connections on. */
export interface ListenTarget extends TargetCommon {
  /** Address to bind. */
  readonly host: string;
  /** Port to bind (0 = any free port). */
  readonly port: number;
}

/** Where an adapter's connections go: dial every server, or accept on one address. */
export type AdapterTargets =
  | { readonly mode: 'connect'; readonly servers: readonly ServerTarget[] }
  | { readonly mode: 'listen'; readonly listen: ListenTarget };

/**
 * The connections of an adapter. In connect mode: one per server of `servers` (or the single
 * `host`; an adapter's own `host` pins it to that host alone), with `tls`, `credentials` and
 * `keepaliveMs` taken from the adapter entry, else the server entry, else the top level. In
 * listen mode: the listen address, with `listen.tls` (the client-side `tls` does not apply).
 */
export function adapterTargets(config: LsAdapterConfig, adapter: ResolvedAdapter): AdapterTargets {
  const keepaliveMs = adapter.keepaliveMs ?? config.keepaliveMs;
  if (adapter.listen !== undefined) {
    return { mode: 'listen', listen: listenTarget(adapter.listen, adapter, config, keepaliveMs) };
  }
  const port = adapter.port as number;
  const servers =
    adapter.host !== undefined
      ? [{ host: adapter.host }]
      : (config.servers ?? [{ host: config.host }]);
  return {
    mode: 'connect',
    servers: servers.map((server) => ({
      host: server.host,
      port,
      notifyPort: adapter.notifyPort,
      tls: adapter.tls ?? ('tls' in server ? server.tls : undefined) ?? config.tls,
      credentials:
        adapter.credentials ??
        ('credentials' in server ? server.credentials : undefined) ??
        config.credentials,
      keepaliveMs,
      label: hostPort(server.host, port),
    })),
  };
}

/**
 * Whether an adapter may have more than one connection at a time (several servers, or `listen`),
 * in which case its module must export a class: each connection gets its own instance.
 */
export function hasSeveralConnections(targets: AdapterTargets): boolean {
  return targets.mode === 'listen' || targets.servers.length > 1;
}

function listenTarget(
  listen: ListenSettings,
  adapter: ResolvedAdapter,
  config: LsAdapterConfig,
  keepaliveMs: number | undefined,
): ListenTarget {
  return {
    host: listen.host,
    port: listen.port,
    tls: listen.tls ?? false,
    credentials: adapter.credentials ?? config.credentials,
    keepaliveMs,
    label: hostPort(listen.host, listen.port),
  };
}

/** `host:port`, with an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
