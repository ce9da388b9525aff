/**
 * Errors raised by the pure ARI codec.
 *
 * The codec never throws anything else on bad input: every decoder failure is a
 * {@link ProtocolError} that carries the offending line (truncated), so that a
 * session can log it and keep the connection, as PROTOCOL.md §6.3 prescribes.
 */

/** How many characters of an offending line an error keeps. */
export const MAX_QUOTED_LINE_LENGTH = 200;

/** Shortens a line for an error message, marking the cut. */
export function truncateLine(line: string, max = MAX_QUOTED_LINE_LENGTH): string {
  return line.length <= max ? line : `${line.slice(0, max)}…(${line.length - max} more chars)`;
}

/** A line that does not follow the ARI grammar (or a value that cannot be encoded). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  /** The offending line, truncated to {@link MAX_QUOTED_LINE_LENGTH} characters. */
  readonly line: string | undefined;

  constructor(message: string, line?: string, options?: { cause?: unknown }) {
    super(line === undefined ? message : `${message} in line "${truncateLine(line)}"`, options);
    this.line = line === undefined ? undefined : truncateLine(line);
  }
}

/** A line longer than the configured maximum: the reader drops it instead of buffering it. */
export class LineTooLongError extends ProtocolError {
  override name = 'LineTooLongError';
  /** The configured maximum, in bytes. */
  readonly maxLineBytes: number;

  constructor(maxLineBytes: number, head: string) {
    super(
      `Line longer than the maximum of ${maxLineBytes} bytes; raise maxLineBytes if the peer really sends such lines`,
      head,
    );
    this.maxLineBytes = maxLineBytes;
  }
}
