/**
 * What each `lsadapter` command hands to its implementation: the flags of SPEC §6, parsed and
 * typed. The commands in `main.ts` only build these; `start.ts`, `dev.ts` and `validate.ts` act
 * on them.
 */
import type { LogLevel } from '../host/config-schema.js';

/** Options of `lsadapter start` (see `runStart` in `start.ts`). */
export interface StartOptions {
  /**
   * The config file (`--config F`), relative to `cwd`.
   * @default undefined (searched for with cosmiconfig)
   */
  config?: string | undefined;
  /**
   * Reload edited adapter modules without restarting (`--watch`); `true` overrides the config's
   * `hotReload`.
   * @default false
   */
  watch: boolean;
  /**
   * Log level (`--log-level L`), overriding the config's `log.level`.
   * @default undefined (the config's)
   */
  logLevel?: LogLevel | undefined;
  /**
   * Port of the metrics/health endpoint (`--metrics-port P`), overriding or enabling the
   * config's `metrics.port`.
   * @default undefined (the config's)
   */
  metricsPort?: number | undefined;
  /**
   * Where the config search starts and relative paths are resolved.
   * @default process.cwd()
   */
  cwd?: string | undefined;
}

/** Options of `lsadapter validate` (see `runValidate` in `validate.ts`). */
export interface ValidateOptions {
  /**
   * The config file (the `F` argument), relative to `cwd`.
   * @default undefined (searched for with cosmiconfig)
   */
  config?: string | undefined;
  /**
   * Print a machine-readable JSON report instead of the human summary (`--json`).
   * @default false
   */
  json: boolean;
  /**
   * Where the config search starts and relative paths are resolved.
   * @default process.cwd()
   */
  cwd?: string | undefined;
}

/** Options of `lsadapter dev` (see `runDev` in `dev.ts`). */
export interface DevOptions {
  /**
   * The config file (`--config F`), relative to `cwd`.
   * @default undefined (searched for with cosmiconfig)
   */
  config?: string | undefined;
  /**
   * Items the simulator subscribes to (`--subscribe ITEM...`).
   * @default [] (none)
   */
  subscribe: string[];
  /**
   * Fields of the subscriptions (`--schema F1,F2`), split on commas.
   * @default undefined (the simulator's default schema)
   */
  schema?: string[] | undefined;
  /**
   * User name of the simulated client session (`--user`), overriding the config's `dev.user`.
   * @default undefined (the config's, else null)
   */
  user?: string | undefined;
  /**
   * Password of the simulated client session (`--password`), overriding `dev.password`.
   * @default undefined (the config's, else null)
   */
  password?: string | undefined;
  /**
   * Message the simulated client sends once subscribed (`--message`), overriding `dev.message`.
   * @default undefined (the config's, else none)
   */
  message?: string | undefined;
  /**
   * Log level of the host (`--log-level L`).
   * @default undefined ("warn", so that the updates stay readable)
   */
  logLevel?: LogLevel | undefined;
  /**
   * Print one JSON object per event instead of aligned text (`--json`).
   * @default undefined (text)
   */
  json?: boolean | undefined;
  /**
   * Stop by itself after this many seconds, as Ctrl-C would (`--duration S`).
   * @default undefined (run until a signal)
   */
  durationSeconds?: number | undefined;
  /**
   * Where the config search starts and relative paths are resolved.
   * @default process.cwd()
   */
  cwd?: string | undefined;
}

/** Where a command writes its output: `process.stdout` / `process.stderr`, or test buffers. */
export interface CliOutput {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
}

/** Output to the process's standard streams. */
export const processOutput: CliOutput = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
};
