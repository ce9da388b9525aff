/**
 * The CLI's one error funnel: every error a command lets escape becomes one message on stderr
 * and an exit code (SPEC §6). Config and module errors, and usage errors, exit with 2; anything
 * else with 1. Stack traces are shown only with `LSADAPTER_DEBUG=1`, since the messages
 * already say what to fix.
 */
import { CommanderError } from 'commander';
import { ConfigError, ModuleLoadError } from '../host/errors.js';
import { type CliOutput, processOutput } from './options.js';

/** Exit code of a clean run. */
export const EXIT_OK = 0;
/** Exit code of a failure that is not the user's input (a crash, a network failure). */
export const EXIT_FAILURE = 1;
/** Exit code of a config, module or command-line error: the user has something to fix. */
export const EXIT_INVALID = 2;

/** The environment variable that turns on stack traces. */
export const DEBUG_ENV = 'LSADAPTER_DEBUG';

/**
 * Names of the error classes of `host/errors.ts`, matched when `instanceof` fails (an error
 * built by another copy of the package, e.g. one loaded by an adapter module).
 */
const INVALID_INPUT_NAMES: ReadonlySet<string> = new Set([
  'ConfigError',
  'ConfigNotFoundError',
  'ModuleLoadError',
  'ModuleNotFoundError',
  'ModuleSyntaxError',
  'ModuleShapeError',
]);

/** Options of {@link reportError}. */
export interface ReportErrorOptions {
  /**
   * Where the message goes.
   * @default the process's stderr
   */
  output?: CliOutput;
  /**
   * Where `LSADAPTER_DEBUG` is read.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reports `error` on stderr and returns the exit code for it. Commander's own errors (usage
 * errors, and `help`/`--version`, which it ends by throwing) were already printed by commander.
 */
export function reportError(error: unknown, options: ReportErrorOptions = {}): number {
  const code = exitCodeFor(error);
  if (error instanceof CommanderError) return code;
  const output = options.output ?? processOutput;
  const debug = isDebugEnabled(options.env ?? process.env);
  output.err(`${formatError(error, debug)}\n`);
  return code;
}

/** The exit code for an error: 2 for config, module and usage errors, 0 for help, else 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
  return isInvalidInput(error) ? EXIT_INVALID : EXIT_FAILURE;
}

/** Whether the error is a config or module error (the user's project needs a fix). */
export function isInvalidInput(error: unknown): boolean {
  if (error instanceof ConfigError || error instanceof ModuleLoadError) return true;
  return error instanceof Error && INVALID_INPUT_NAMES.has(error.name);
}

/**
 * The message shown for an error: `error: <message>`; with `debug`, the stack and the chain
 * of causes as well. Errors that are not the user's input get a hint about `LSADAPTER_DEBUG`.
 */
export function formatError(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  if (debug) return `error: ${describeChain(error)}`;
  const hint = isInvalidInput(error) ? '' : `\n(set ${DEBUG_ENV}=1 to see the stack trace)`;
  return `error: ${error.message}${hint}`;
}

/** Whether `LSADAPTER_DEBUG` asks for stack traces (`1`, `true` or `yes`). */
export function isDebugEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return /^(1|true|yes)$/i.test(env[DEBUG_ENV] ?? '');
}

/** The stack of an error followed by those of its causes, bounded against cycles. */
function describeChain(error: Error): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text =
      current instanceof Error
        ? (current.stack ?? `${current.name}: ${current.message}`)
        : String(current);
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
