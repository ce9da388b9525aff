/**
 * Runner side of the bench IPC (see `ipc.ts`): forks a compiled bench script and calls its
 * methods with a bound on each call. Every child is tracked so that the runner can kill what is
 * left on an error.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { CallMessage, Methods, ReplyMessage } from './ipc.js';

/** A child did not answer in time, failed a call, or died. */
export class BenchChildError extends Error {
  override name = 'BenchChildError';
}

const live = new Set<{ kill(): void }>();

/** Kills every child still running (after a failure of the runner). */
export function killAllChildren(): void {
  for (const child of live) child.kill();
}

/** Options of {@link ChildHandle.fork}. */
export interface ForkOptions {
  /** Name used in error messages, e.g. `sink` or `lsadapter-single`. */
  name: string;
  /** Node flags, e.g. `--cpu-prof`. @default [] */
  execArgv?: string[];
}

/** One bench process and its typed calls. */
export class ChildHandle<A extends Methods<A>> {
  readonly name: string;
  /** Resolves with the exit code when the process has exited. */
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { method: string; resolve(v: unknown): void; reject(e: Error): void }
  >();
  #nextId = 1;
  #stderr = '';

  private constructor(child: ChildProcess, name: string) {
    this.#child = child;
    this.name = name;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-4000);
      process.stderr.write(`[${name}] ${text}`);
    });
    child.on('message', (message: ReplyMessage) => this.#onReply(message));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        live.delete(this);
        const why = new BenchChildError(
          `${name} exited (code ${code}) before answering${this.#stderr ? `: ${this.#stderr}` : ''}`,
        );
        for (const call of this.#pending.values()) call.reject(why);
        this.#pending.clear();
        resolve(code);
      });
    });
  }

  /** Forks `script` (a compiled `.js` file) with an IPC channel. */
  static fork<A extends Methods<A>>(script: string, options: ForkOptions): ChildHandle<A> {
    const child = fork(script, [], {
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const handle = new ChildHandle<A>(child, options.name);
    live.add(handle);
    return handle;
  }

  /** Calls `method` in the child; rejects after `timeoutMs` or when the child fails the call. */
  call<M extends keyof A & string>(
    method: M,
    params: Parameters<A[M]>[0],
    timeoutMs = 30_000,
  ): Promise<Awaited<ReturnType<A[M]>>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BenchChildError(`${this.name}: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Awaited<ReturnType<A[M]>>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const message: CallMessage = { id, method, params };
      this.#child.send(message);
    });
  }

  /** Closes the IPC channel: the child exits (writing its CPU profile if asked to). */
  async finish(timeoutMs = 10_000): Promise<void> {
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once. */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill('SIGKILL');
  }

  #onReply(message: ReplyMessage): void {
    const call = this.#pending.get(message.id);
    if (call === undefined) return;
    this.#pending.delete(message.id);
    if (message.ok) call.resolve(message.result);
    else
      call.reject(new BenchChildError(`${this.name} ${call.method}: ${message.error ?? 'failed'}`));
  }
}
