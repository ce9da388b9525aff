/**
 * The config file's schema (SPEC §5): the only source of truth for what the file may contain,
 * its defaults, and the TypeScript types the host works with. `config/lsadapter.schema.json`
 * is generated from it (see `config-json-schema.ts`).
 *
 * Every object is strict: an unknown key is an error, so that a typo (`prot`) is reported
 * instead of silently ignored. Adapter entries carry no defaults here, because a module's
 * `settings` export is merged under them first (see `resolve-adapter.ts`); their defaults are
 * applied after that merge.
 */
import * as z from 'zod';
import { DEFAULT_BACKOFF } from './backoff.js';

/** The two adapter kinds. */
export const ADAPTER_KINDS = ['data', 'metadata'] as const;
/** `"data"` or `"metadata"`. */
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

/** Log levels, from pino. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Host of the Lightstreamer Server (its Proxy Adapters) when none is configured. */
export const DEFAULT_HOST = 'localhost';
/** Directory searched for adapter modules, relative to the config file. */
export const DEFAULT_ADAPTERS_DIR = './adapters';
/** Address a `listen` adapter binds to: every interface. */
export const DEFAULT_LISTEN_HOST = '0.0.0.0';
/** Address the metrics/health endpoint binds to: loopback, so nothing is exposed by accident. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';
/** Default log level. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
/** Whether logs are pretty-printed by default (no: JSON lines). */
export const DEFAULT_LOG_PRETTY = false;
/** Whether adapter modules are watched and reloaded by default. */
export const DEFAULT_HOT_RELOAD = false;
/** Whether a configured adapter runs by default. */
export const DEFAULT_ADAPTER_ENABLED = true;
/** Reconnect policy when the config gives none (the constants of `backoff.ts`). */
export const DEFAULT_RECONNECT = DEFAULT_BACKOFF;

const text = z.string().min(1);

/** A TCP port the host connects to. */
const portSchema = z.int().min(1).max(65535);

/** A TCP port the host binds; 0 picks a free one (useful in tests). */
const bindPortSchema = z.int().min(0).max(65535);

/** TLS settings given as an object. */
export const tlsSettingsSchema = z
  .strictObject({
    ca: text
      .optional()
      .describe(
        'Trusted CA certificate: PEM text or a file path (relative paths: from the config file).',
      ),
    cert: text.optional().describe('Certificate to present: PEM text or a file path.'),
    key: text.optional().describe('Private key of "cert": PEM text or a file path.'),
    servername: text.optional().describe('Name for SNI and certificate verification.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe('Verify the peer certificate; false accepts any certificate (tests only).'),
  })
  .describe('TLS settings.');

/** `tls`: `false` = plain TCP, `true` = TLS with default verification, or settings. */
export const tlsSchema = z
  .union([z.boolean(), tlsSettingsSchema])
  .describe('TLS: false (plain TCP), true (TLS with default verification) or settings.');

/** Credentials the Proxy Adapter checks (ARI `RAC`). */
export const credentialsSchema = z
  .strictObject({
    user: z.string().describe('User name the Proxy Adapter expects.'),
    password: z.string().describe('Password; use ${VAR} to read it from the environment.'),
  })
  .describe('Credentials sent to the Proxy Adapter.');

/** Inverted connection mode: the Proxy Adapter dials the host. */
export const listenSchema = z
  .strictObject({
    port: bindPortSchema.describe('Port to accept Proxy Adapter connections on.'),
    host: text.default(DEFAULT_LISTEN_HOST).describe('Address to bind.'),
    tls: tlsSchema.optional().describe('Accept TLS connections (needs "cert" and "key").'),
  })
  .describe('Accept connections from the Proxy Adapter (remote_host mode) instead of dialling it.');

/** One Lightstreamer Server of a cluster: every adapter connects to each. */
export const serverSchema = z
  .strictObject({
    host: text.describe('Host of this Server.'),
    tls: tlsSchema.optional().describe('TLS towards this Server (default: the top-level "tls").'),
    credentials: credentialsSchema
      .optional()
      .describe('Credentials for this Server (default: the top-level "credentials").'),
  })
  .describe('A Server of the cluster; ports come from each adapter entry.');

/** The fields of an adapter entry, shared by the config entry and the `settings` export. */
const adapterFields = {
  kind: z
    .enum(ADAPTER_KINDS)
    .optional()
    .describe('Adapter kind; detected from the module when absent.'),
  module: text
    .optional()
    .describe(
      'Module file, relative to the config file (default: <adaptersDir>/<name>.{ts,mts,js,mjs,cjs}).',
    ),
  enabled: z
    .boolean()
    .optional()
    .describe('Set to false to keep the entry without running it (default true).'),
  port: portSchema.optional().describe('Port of the Proxy Adapter (its request/reply port).'),
  notifyPort: portSchema
    .optional()
    .describe('Notify port of a data Proxy Adapter of Server 7.0-7.3 (two-connection mode).'),
  listen: listenSchema.optional(),
  params: z
    .record(z.string(), z.string())
    .optional()
    .describe('Parameters merged into those of init(); configured values win.'),
  host: text
    .optional()
    .describe('Host of this adapter\'s Proxy Adapter; overrides "host" and "servers".'),
  tls: tlsSchema.optional(),
  credentials: credentialsSchema.optional(),
  keepaliveMs: z
    .int()
    .min(0)
    .optional()
    .describe('Keepalive interval in ms (0 = none); overrides the top-level value.'),
};

/** An entry of `adapters`, as written in the config file. */
export const adapterEntrySchema = z.strictObject(adapterFields).describe('An adapter.');

/** A module's `settings` export: a partial adapter entry (without `module`). */
export const adapterSettingsSchema = adapterEntrySchema.omit({ module: true });

/** The reconnect policy. */
export const reconnectSchema = z
  .strictObject({
    initialDelayMs: z
      .int()
      .min(0)
      .default(DEFAULT_RECONNECT.initialDelayMs)
      .describe('Delay bound of the first retry, ms.'),
    maxDelayMs: z
      .int()
      .min(0)
      .default(DEFAULT_RECONNECT.maxDelayMs)
      .describe('Cap of the retry delay, ms.'),
    factor: z
      .number()
      .min(1)
      .default(DEFAULT_RECONNECT.factor)
      .describe('Growth of the delay bound per attempt.'),
    maxAttempts: z
      .int()
      .min(0)
      .nullable()
      .default(DEFAULT_RECONNECT.maxAttempts)
      .describe('Retries before giving up; null = forever.'),
  })
  .refine((r) => r.maxDelayMs >= r.initialDelayMs, {
    message: 'maxDelayMs must be at least initialDelayMs',
    path: ['maxDelayMs'],
  })
  .describe('Reconnect with exponential backoff and jitter.');

/** Logging. */
export const logSchema = z
  .strictObject({
    level: z.enum(LOG_LEVELS).default(DEFAULT_LOG_LEVEL).describe('Minimum level logged.'),
    pretty: z
      .boolean()
      .default(DEFAULT_LOG_PRETTY)
      .describe('Human-readable logs instead of JSON lines.'),
  })
  .describe('Logging (pino).');

/** The metrics and health HTTP endpoint. */
export const metricsSchema = z
  .strictObject({
    port: bindPortSchema.describe('Port of /metrics, /livez and /readyz.'),
    host: text.default(DEFAULT_METRICS_HOST).describe('Address to bind.'),
  })
  .describe('Serve Prometheus metrics and health checks over HTTP.');

/** What `lsadapter dev` does against the embedded simulator when no flags say otherwise. */
export const devSchema = z
  .strictObject({
    subscribe: z
      .array(text)
      .optional()
      .describe(
        'Items to subscribe to; "ADAPTER:item" targets one Data Adapter, a bare item every one.',
      ),
    schema: z.array(text).optional().describe('Fields to ask for (GSC and the printed columns).'),
    user: text.nullable().optional().describe('User name of the simulated client session.'),
    password: text.nullable().optional().describe('Password of the simulated client session.'),
    message: text
      .optional()
      .describe(
        'A message the simulated client sends (NUM) once subscribed, e.g. for a chat adapter.',
      ),
  })
  .describe('Defaults of `lsadapter dev`.');

/** The whole config file. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file, for editors.'),
    host: text
      .default(DEFAULT_HOST)
      .describe('Host of the Lightstreamer Server (its Proxy Adapters).'),
    tls: tlsSchema.default(false),
    credentials: credentialsSchema.optional(),
    servers: z
      .array(serverSchema)
      .min(1)
      .optional()
      .describe('A cluster: every adapter connects to every Server.'),
    adaptersDir: text
      .default(DEFAULT_ADAPTERS_DIR)
      .describe('Directory of adapter modules, relative to the config file.'),
    adapters: z
      .record(text, adapterEntrySchema)
      .default({})
      .describe('Adapters by name; the name labels their logs and metrics.'),
    keepaliveMs: z
      .int()
      .min(0)
      .optional()
      .describe("Keepalive interval in ms (0 = none; default: the protocol's rules)."),
    reconnect: reconnectSchema.prefault({}),
    hotReload: z
      .boolean()
      .default(DEFAULT_HOT_RELOAD)
      .describe('Reload edited adapter modules without restarting.'),
    log: logSchema.prefault({}),
    metrics: metricsSchema.optional(),
    dev: devSchema.optional(),
  })
  .describe('lsadapter configuration.');

/** The validated config, defaults applied. */
export type LsAdapterConfig = z.output<typeof configSchema>;
/** The config as it may be written (defaults optional). */
export type LsAdapterConfigInput = z.input<typeof configSchema>;
/** An entry of `adapters`, as written. */
export type AdapterEntry = z.output<typeof adapterEntrySchema>;
/** A module's `settings` export, validated. */
export type AdapterSettings = z.output<typeof adapterSettingsSchema>;
/** `tls` as written: a boolean or {@link TlsSettings}. */
export type TlsSetting = z.output<typeof tlsSchema>;
/** TLS settings given as an object, `rejectUnauthorized` defaulted. */
export type TlsSettings = z.output<typeof tlsSettingsSchema>;
/** `{ user, password }`. */
export type Credentials = z.output<typeof credentialsSchema>;
/** `listen` of an adapter entry, `host` defaulted. */
export type ListenSettings = z.output<typeof listenSchema>;
/** An entry of `servers`. */
export type ServerEntry = z.output<typeof serverSchema>;
/** `reconnect`, defaults applied. */
export type ReconnectSettings = z.output<typeof reconnectSchema>;
/** `log`, defaults applied. */
export type LogSettings = z.output<typeof logSchema>;
/** `dev`: defaults of `lsadapter dev`. */
export type DevSettings = z.output<typeof devSchema>;
/** `metrics`, `host` defaulted. */
export type MetricsSettings = z.output<typeof metricsSchema>;
