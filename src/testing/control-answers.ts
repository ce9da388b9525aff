/**
 * The simulator's answers to a Metadata Adapter's `FST`/`FUS` (PROTOCOL.md §5.3): the default
 * (success) and the protection against a test handler that throws.
 */
import type { ControlRequest } from '../protocol/index.js';
import type { ControlAnswer, ControlRequestHandler } from './types.js';

/** Answers `FST` with `V` and `FUS` with `B|1`. */
export function defaultControlHandler(request: ControlRequest): ControlAnswer {
  return request.method === 'FUS' ? { value: true } : {};
}

/** Runs the handler; a thrown error becomes an `E` answer carrying its message. */
export async function answerControlRequest(
  handler: ControlRequestHandler,
  request: ControlRequest,
): Promise<ControlAnswer> {
  try {
    return await handler(request);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: { tag: 'E', message } };
  }
}
