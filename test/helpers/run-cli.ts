/**
 * Runs the built `lsadapter` bin (`node bin/lsadapter.js`, which imports `dist/`: run
 * `npm run build` first) as a real child process, and what tests do with it: collect its
 * output, wait for a line, send it signals, await its exit with a bound. Every process started
 * here is tracked; call {@link killAllClis} in `afterEach` so none outlives its test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the bin. */
export const BIN_PATH = fileURLToPath(new URL('../../bin/lsadapter.js', import.meta.url));

/** Absolute path of the built CLI the bin imports. */
export const BUILT_MAIN_PATH = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Throws a clear error when `dist/` has not been built (call it in `beforeAll`). */
export function assertBuilt(): void {
  if (!existsSync(BUILT_MAIN_PATH)) {
    throw new Error(`${BUILT_MAIN_PATH} is missing: run \`npm run build\` before the CLI tests`);
  }
}

/** Default bound on a whole run, and on waiting for the exit: 15 s (a loaded 2-core machine). */
export const DEFAULT_CLI_TIMEOUT_MS = 15_000;

/** Options of {@link spawnCli} and {@link runCli}. */
export interface RunCliOptions {
  /**
   * Working directory of the process.
   * @default process.cwd()
   */
  cwd?: string;
  /**
   * Variables added to (or, with `undefined`, removed from) the test's environment.
   * @default {} (the test's environment, plus NO_COLOR=1)
   */
  env?: Record<string, string | undefined>;
  /**
   * Bound of {@link runCli} and of {@link CliProcess.exited}, in ms; the process is killed with
   * SIGKILL when it is exceeded.
   * @default 15000
   */
  timeoutMs?: number;
}

/** How a CLI process ended, and everything it wrote. */
export interface CliResult {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/** Which output {@link CliProcess.waitForLine} looks at. */
export type CliStream = 'stdout' | 'stderr' | 'both';

/** A running CLI process. */
export interface CliProcess {
  /** The child process. */
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /**
   * Resolves with the first complete line (already written or to come) matching `pattern`;
   * rejects when the process exits first or after `timeoutMs` (default 10 s), with the output
   * so far in the message.
   */
  waitForLine(
    pattern: RegExp,
    options?: { stream?: CliStream; timeoutMs?: number },
  ): Promise<string>;
  /** Sends a signal to the process (no-op once it has exited). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the process exits; kills it (SIGKILL) and rejects after `timeoutMs`. */
  readonly exited: Promise<CliResult>;
  /** Kills the process (SIGKILL) if still running and waits for it to be gone. */
  kill(): Promise<void>;
}

const running = new Set<CliProcess>();

/** Starts `lsadapter ...args`. */
export function spawnCli(args: readonly string[], options: RunCliOptions = {}): CliProcess {
  const child = spawn(process.execPath, [BIN_PATH, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '', closed: false };
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
    notify();
  });
  const closed = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    // 'close' (not 'exit') comes after the output streams ended, so nothing is missing.
    child.once('close', (code, signal) => {
      output.closed = true;
      resolve({ code, signal, stdout: output.stdout, stderr: output.stderr });
      notify();
    });
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLI_TIMEOUT_MS;
  const cli: CliProcess = {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitForLine: (pattern, waitOptions = {}) =>
      waitForLine(cli, pattern, {
        listeners,
        isClosed: () => output.closed,
        stream: waitOptions.stream ?? 'both',
        timeoutMs: waitOptions.timeoutMs ?? 10_000,
      }),
    signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited: boundedExit(child, closed, timeoutMs, () => describe(args, output)),
    async kill() {
      cli.signal('SIGKILL');
      await closed.catch(() => undefined);
    },
  };
  running.add(cli);
  closed.finally(() => running.delete(cli)).catch(() => undefined);
  // A test that never awaits `exited` must not turn a timeout into an unhandled rejection.
  cli.exited.catch(() => undefined);
  return cli;
}

/** Runs `lsadapter ...args` to completion and returns its exit code and output. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).exited;
}

/** Kills every CLI process still running (for `afterEach`). */
export async function killAllClis(): Promise<void> {
  await Promise.all([...running].map((cli) => cli.kill()));
}

function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // Plain, uncolored output, and no debug stack traces unless a test asks for them.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LSADAPTER_DEBUG: undefined };
  for (const [key, value] of Object.entries(overrides)) env[key] = value;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

function boundedExit(
  child: ChildProcess,
  closed: Promise<CliResult>,
  timeoutMs: number,
  describeRun: () => string,
): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lsadapter did not exit within ${timeoutMs} ms (killed)\n${describeRun()}`));
    }, timeoutMs);
  });
  return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
}

interface LineWait {
  /** Called on every chunk of output and on close. */
  readonly listeners: Set<() => void>;
  /** Whether the process has exited and its output streams have ended. */
  readonly isClosed: () => boolean;
  readonly stream: CliStream;
  readonly timeoutMs: number;
}

function waitForLine(cli: CliProcess, pattern: RegExp, wait: LineWait): Promise<string> {
  const { listeners, isClosed, stream, timeoutMs } = wait;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `Timed out after ${timeoutMs} ms waiting for a line matching ${pattern}\n${outputOf(cli)}`,
        ),
      );
    }, timeoutMs);
    const check = (): void => {
      const line = completeLines(cli, stream, isClosed()).find((candidate) =>
        pattern.test(candidate),
      );
      if (line !== undefined) {
        finish();
        resolve(line);
      } else if (isClosed()) {
        finish();
        reject(
          new Error(`lsadapter exited before writing a line matching ${pattern}\n${outputOf(cli)}`),
        );
      }
    };
    function finish(): void {
      clearTimeout(timer);
      listeners.delete(check);
    }
    listeners.add(check);
    check();
  });
}

/** Lines ended by a newline, or the last one once the process has exited. */
function completeLines(cli: CliProcess, stream: CliStream, exited: boolean): string[] {
  const texts = stream === 'both' ? [cli.stdout(), cli.stderr()] : [cli[stream]()];
  return texts.flatMap((text) => {
    const lines = text.split('\n');
    const tail = lines.pop() ?? '';
    return exited && tail !== '' ? [...lines, tail] : lines;
  });
}

function outputOf(cli: CliProcess): string {
  return `--- stdout ---\n${cli.stdout()}--- stderr ---\n${cli.stderr()}`;
}

function describe(args: readonly string[], output: { stdout: string; stderr: string }): string {
  return `args: ${args.join(' ')}\n--- stdout ---\n${output.stdout}--- stderr ---\n${output.stderr}`;
}
