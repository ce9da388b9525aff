/**
 * LF framing of an ARI byte stream (PROTOCOL.md §1.3).
 *
 * Bytes are cut into lines *before* UTF-8 decoding, so a multi-byte character
 * split across TCP reads is never corrupted. A CR before the LF (any number of
 * them) is stripped, empty lines are skipped, and a UTF-8 BOM at the very start
 * of the stream is tolerated. A partial line is kept until its LF arrives; a line
 * growing past `maxLineBytes` is reported once and discarded up to its LF, so
 * memory stays bounded whatever the peer sends.
 */
import { LineTooLongError } from './errors.js';

const LF = 0x0a;
const CR = 0x0d;

/** Default maximum line length: 16 MiB, far above any sane ARI message. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /**
   * Longest accepted line in bytes, terminator excluded.
   * @default 16777216 (16 MiB)
   */
  maxLineBytes?: number;
}

/** Receives the lines (or framing errors) a {@link LineSplitter} produces. */
export interface LineSink {
  line(text: string): void;
  error(error: LineTooLongError): void;
}

/** Incremental LF splitter: feed it chunks, it calls the sink once per complete line. */
export class LineSplitter {
  readonly #maxLineBytes: number;
  readonly #sink: LineSink;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #discarding = false;
  #atStart = true;

  constructor(sink: LineSink, options: LineSplitterOptions = {}) {
    this.#sink = sink;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Bytes of the incomplete line currently buffered. */
  get pendingBytes(): number {
    return this.#tailBytes;
  }

  /** Feeds one chunk of the stream. */
  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#atStart && buf.length > 0) {
      buf = this.#skipBom(buf);
    }
    let start = 0;
    for (;;) {
      const lf = buf.indexOf(LF, start);
      if (lf === -1) break;
      this.#endLine(buf, start, lf);
      start = lf + 1;
    }
    if (start < buf.length) this.#keep(buf, start);
  }

  #skipBom(buf: Buffer): Buffer {
    // Only the first three bytes of the whole stream can be a BOM; wait for them.
    const pending = this.#tailBytes === 0 ? buf : Buffer.concat([...this.#tail, buf]);
    if (pending.length < 3 && pending.every((b, i) => b === [0xef, 0xbb, 0xbf][i])) {
      this.#tail = [pending];
      this.#tailBytes = pending.length;
      return Buffer.alloc(0);
    }
    this.#atStart = false;
    this.#tail = [];
    this.#tailBytes = 0;
    if (pending[0] === 0xef && pending[1] === 0xbb && pending[2] === 0xbf)
      return pending.subarray(3);
    return pending;
  }

  #keep(buf: Buffer, start: number): void {
    if (this.#discarding) return;
    const size = buf.length - start;
    if (this.#tailBytes + size > this.#maxLineBytes) {
      this.#overflow(buf.subarray(start));
      return;
    }
    // Copy: the caller may reuse its chunk buffer.
    this.#tail.push(Buffer.from(buf.subarray(start)));
    this.#tailBytes += size;
  }

  #overflow(lastPiece: Buffer): void {
    const head = Buffer.concat([...this.#tail, lastPiece])
      .subarray(0, 200)
      .toString('utf8');
    this.#tail = [];
    this.#tailBytes = 0;
    this.#discarding = true;
    this.#sink.error(new LineTooLongError(this.#maxLineBytes, head));
  }

  #endLine(buf: Buffer, start: number, lf: number): void {
    if (this.#discarding) {
      this.#discarding = false;
      return;
    }
    let end = lf;
    let line: Buffer;
    if (this.#tailBytes === 0) {
      line = buf.subarray(start, end);
    } else {
      if (this.#tailBytes + (end - start) > this.#maxLineBytes) {
        this.#overflow(buf.subarray(start, end));
        this.#discarding = false;
        return;
      }
      line = Buffer.concat([...this.#tail, buf.subarray(start, end)]);
      this.#tail = [];
      this.#tailBytes = 0;
    }
    end = line.length;
    while (end > 0 && line[end - 1] === CR) end--;
    if (end === 0) return;
    if (end > this.#maxLineBytes) {
      this.#sink.error(
        new LineTooLongError(this.#maxLineBytes, line.subarray(0, 200).toString('utf8')),
      );
      return;
    }
    this.#sink.line(line.toString('utf8', 0, end));
  }
}
