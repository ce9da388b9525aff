/**
 * The runner drives each bench process (a sink or an adapter contender) by remote calls over the
 * Node IPC channel: `{ id, method, params }` in, `{ id, ok, result | error }` out. This file holds
 * the child side ({@link serveCalls}) and the message shapes; the runner side is
 * `child-handle.ts`.
 */

/** Methods a process serves: one params object in, a JSON-serialisable result out. */
export type Methods<A> = { [K in keyof A]: (params: never) => unknown };

/** A call from the runner. */
export interface CallMessage {
  id: number;
  method: string;
  params: unknown;
}

/** The answer to a {@link CallMessage}. */
export interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/**
 * Answers the runner's calls with `handlers`. The process exits when the IPC channel closes:
 * the runner disconnects once it has the last answer it needs (a `--cpu-prof` profile is written
 * on that exit), and a crashed runner leaves no orphan process behind.
 */
export function serveCalls<A extends Methods<A>>(handlers: A): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    throw new Error('This bench process must be started by test/bench/run.ts (it needs IPC)');
  }
  process.on('message', (message: CallMessage) => {
    const handler = (
      handlers as unknown as Record<string, ((params: unknown) => unknown) | undefined>
    )[message.method];
    const answer = async (): Promise<ReplyMessage> => {
      if (handler === undefined) {
        return { id: message.id, ok: false, error: `unknown method ${message.method}` };
      }
      try {
        return { id: message.id, ok: true, result: await handler(message.params) };
      } catch (error) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        return { id: message.id, ok: false, error: text };
      }
    };
    void answer().then((reply) => send(reply));
  });
  process.on('disconnect', () => process.exit(0));
}
