/**
 * The `lsadapter` command line (SPEC §6). {@link createProgram} builds the commander program
 * and does nothing else, so tests can parse arguments with fake actions; {@link main} runs it
 * with the real actions and turns every outcome into an exit code through one error funnel
 * (`exit.ts`). Each command only maps its flags onto options for its implementation, which is
 * imported on demand so that `help` and `--version` stay fast.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS } from '../host/config-schema.js';
import { reportError } from './exit.js';
import {
  type CliOutput,
  type DevOptions,
  processOutput,
  type StartOptions,
  type ValidateOptions,
} from './options.js';

export type { CliOutput, DevOptions, StartOptions, ValidateOptions } from './options.js';

/** What the commands run: each resolves with the process's exit code. */
export interface CliActions {
  /** `lsadapter start`. */
  start(options: StartOptions): Promise<number>;
  /** `lsadapter validate`. */
  validate(options: ValidateOptions): Promise<number>;
  /** `lsadapter dev`. */
  dev(options: DevOptions): Promise<number>;
}

/** The real implementations, each loaded when its command runs. */
export const defaultActions: CliActions = {
  start: async (options) => (await import('./start.js')).runStart(options),
  validate: async (options) => (await import('./validate.js')).runValidate(options),
  dev: async (options) => (await import('./dev.js')).runDev(options),
};

/** Options of {@link createProgram}. */
export interface ProgramOptions {
  /**
   * What the commands run.
   * @default defaultActions
   */
  actions?: CliActions;
  /**
   * Where help, version and usage errors are written.
   * @default the process's stdout and stderr
   */
  output?: CliOutput;
}

/**
 * Builds the `lsadapter` program. Commander never exits the process: usage errors, `help` and
 * `--version` are thrown as `CommanderError`s for the caller (see {@link main}).
 */
export function createProgram(options: ProgramOptions = {}): Command {
  const actions = options.actions ?? defaultActions;
  const output = options.output ?? processOutput;
  // Settings made before `.command()` are inherited by every command.
  const program = new Command('lsadapter')
    .description(
      'Run Lightstreamer Remote Adapters (ARI protocol) written in TypeScript or JavaScript.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .showHelpAfterError('(run "lsadapter help" for usage)');

  program
    .command('start')
    .description('connect the configured adapters and keep them running until SIGINT/SIGTERM')
    .option('--config <file>', 'config file (default: searched for from the current directory)')
    .option('--watch', 'reload edited adapter modules without restarting', false)
    .addOption(
      new Option('--log-level <level>', "minimum log level (default: the config's)").choices(
        LOG_LEVELS,
      ),
    )
    .option('--metrics-port <port>', 'serve /metrics, /livez and /readyz on this port', parsePort)
    .action(async (flags: RawStartFlags) => {
      await actions.start(toStartOptions(flags));
    });

  program
    .command('validate')
    .description('check the config and every adapter module without connecting anything')
    .argument('[file]', 'config file (default: searched for from the current directory)')
    .option('--json', 'print a machine-readable report', false)
    .action(async (file: string | undefined, flags: { json: boolean }) => {
      await actions.validate({ config: file, json: flags.json });
    });

  program
    .command('dev')
    .description('run the adapters against the embedded proxy simulator and print their updates')
    .option('--config <file>', 'config file (default: searched for from the current directory)')
    .option('--subscribe <items...>', 'items to subscribe to')
    .option('--schema <fields>', 'comma-separated field names, e.g. bid,ask', parseList)
    .option(
      '--user <name>',
      "user name of the simulated client session (default: the config's dev.user)",
    )
    .option(
      '--password <password>',
      'password of the simulated client session (default: dev.password)',
    )
    .option(
      '--message <text>',
      'message the simulated client sends once subscribed (default: dev.message)',
    )
    .addOption(
      new Option('--log-level <level>', 'minimum log level of the host (default: warn)').choices(
        LOG_LEVELS,
      ),
    )
    .option('--json', 'print one JSON object per update instead of aligned text')
    .option('--duration <seconds>', 'stop by itself after this many seconds', parseSeconds)
    .action(async (flags: RawDevFlags) => {
      await actions.dev(toDevOptions(flags));
    });

  return program;
}

/**
 * Runs `lsadapter` with `argv` (as `process.argv`: node, script, then the arguments) and
 * resolves with the exit code; never rejects. Errors are reported on `output.err`.
 */
export async function main(
  argv: readonly string[],
  output: CliOutput = processOutput,
): Promise<number> {
  let exitCode = 0;
  const recording =
    <T>(run: (options: T) => Promise<number>) =>
    async (options: T): Promise<number> => {
      exitCode = await run(options);
      return exitCode;
    };
  const program = createProgram({
    output,
    actions: {
      start: recording(defaultActions.start),
      validate: recording(defaultActions.validate),
      dev: recording(defaultActions.dev),
    },
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    return reportError(error, { output });
  }
}

interface RawStartFlags {
  config?: string;
  watch: boolean;
  logLevel?: StartOptions['logLevel'];
  metricsPort?: number;
}

interface RawDevFlags {
  config?: string;
  subscribe?: string[];
  schema?: string[];
  user?: string;
  password?: string;
  message?: string;
  logLevel?: DevOptions['logLevel'];
  json?: boolean;
  duration?: number;
}

function toStartOptions(flags: RawStartFlags): StartOptions {
  return {
    config: flags.config,
    watch: flags.watch,
    logLevel: flags.logLevel,
    metricsPort: flags.metricsPort,
  };
}

function toDevOptions(flags: RawDevFlags): DevOptions {
  const options: DevOptions = {
    config: flags.config,
    subscribe: flags.subscribe ?? [],
    schema: flags.schema,
  };
  // Only flags that were given, so the options stay as short as the command line.
  if (flags.user !== undefined) options.user = flags.user;
  if (flags.password !== undefined) options.password = flags.password;
  if (flags.message !== undefined) options.message = flags.message;
  if (flags.logLevel !== undefined) options.logLevel = flags.logLevel;
  if (flags.json !== undefined) options.json = flags.json;
  if (flags.duration !== undefined) options.durationSeconds = flags.duration;
  return options;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('Give a port number from 0 to 65535.');
  }
  return port;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0) {
    throw new InvalidArgumentError('Give a number of seconds greater than 0, e.g. 10.');
  }
  return seconds;
}

function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0)
    throw new InvalidArgumentError('Give at least one field name, e.g. bid,ask.');
  return items;
}

/** The package's version; `src/cli` and `dist/cli` both sit two levels below package.json. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
