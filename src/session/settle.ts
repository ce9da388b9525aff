/**
 * Runs provider calls whose outcome only needs logging (unsubscribing every item after a drop,
 * moving items during a provider swap): all at once, bounded in time, never rejecting.
 */
import { messageOf } from '../protocol/error-mapping.js';
import type { Logger } from './logger.js';

/** One call to make. */
export interface SettleTask {
  /** Shown in logs (the item name). */
  name: string;
  /** The call; may throw, return a value or a Promise. */
  run(): unknown;
}

/**
 * Starts every task and resolves when all settled or `timeoutMs` passed, whichever is first.
 * Failures and tasks still pending at the deadline are logged as warnings naming `what`.
 */
export async function settleWithin(
  tasks: readonly SettleTask[],
  timeoutMs: number,
  logger: Logger,
  what: string,
): Promise<void> {
  if (tasks.length === 0) return;
  const pending = new Set(tasks.map((task) => task.name));
  const runs = tasks.map(async (task) => {
    try {
      await task.run();
    } catch (error) {
      logger.warn(
        { item: task.name, err: error },
        `${what}("${task.name}") failed: ${messageOf(error)}`,
      );
    } finally {
      pending.delete(task.name);
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(runs), deadline]);
  clearTimeout(timer);
  if (pending.size > 0) {
    logger.warn(
      { items: [...pending] },
      `${what} did not finish within ${timeoutMs} ms for ${pending.size} item(s); going on without them`,
    );
  }
}
