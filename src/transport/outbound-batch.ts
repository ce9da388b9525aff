/**
 * The pending outbound batch of a line channel: encoded lines in one growable byte buffer that is
 * reused from batch to batch when that is safe.
 *
 * A batch is handed to the socket as a view of the buffer, without a copy. If the socket took
 * the bytes during `write()` (sent them, or copied them), the buffer is written again for the
 * next batch; if it kept the view (queued behind earlier chunks, in a kernel write still in
 * progress, or waiting for the connection) it reads those bytes later, so the batch moves to a
 * new buffer and the old one is left to the socket, never overwritten.
 */

/**
 * Encodes one whole line, terminator (CR LF, PROTOCOL.md §1.3) included, into `buffer` from
 * `position`. Returns the position after it, or `-1` when the buffer is too small: the channel
 * then makes room and calls again with the same position, so the encoder must be repeatable.
 */
export type EncodeInto = (buffer: Buffer, position: number) => number;

/** A growable byte buffer holding the lines of the next socket write. */
export class OutboundBatch {
  readonly #initialBytes: number;
  #buffer: Buffer;
  #length = 0;

  /** @param initialBytes size of a new buffer; it doubles only for a line that does not fit. */
  constructor(initialBytes: number) {
    this.#initialBytes = initialBytes;
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes pending. */
  get length(): number {
    return this.#length;
  }

  /** The size of the current buffer. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Appends one line; `false` (and nothing appended) when it does not fit in what is left. */
  tryAppend(encodeInto: EncodeInto): boolean {
    const end = encodeInto(this.#buffer, this.#length);
    if (end < 0) return false;
    this.#length = end;
    return true;
  }

  /**
   * Doubles the (empty) buffer, up to `maxBytes`; `false` when it already is that large. Called
   * only after the pending lines went out, so nothing is copied.
   */
  grow(maxBytes: number): boolean {
    const size = this.#buffer.length;
    if (size >= maxBytes || this.#length > 0) return false;
    this.#buffer = Buffer.allocUnsafe(Math.min(size * 2, maxBytes));
    return true;
  }

  /**
   * The pending bytes, as a view to hand to the socket; the batch is then empty. Call
   * {@link handedOff} right after the socket's `write()` returned.
   */
  take(): Buffer {
    const chunk = this.#buffer.subarray(0, this.#length);
    this.#length = 0;
    return chunk;
  }

  /**
   * Tells whether the socket kept the last {@link take}n view (its writable length is not zero
   * after `write()` returned). A kept buffer is never written again; a buffer grown for a long
   * line is not kept either, so that memory goes back to its initial size.
   */
  handedOff(keptBySocket: boolean): void {
    if (keptBySocket || this.#buffer.length > this.#initialBytes) {
      this.#buffer = Buffer.allocUnsafe(this.#initialBytes);
    }
  }

  /** Drops the pending bytes. */
  clear(): void {
    this.#length = 0;
  }
}
