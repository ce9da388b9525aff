/**
 * LF framing of what the Remote writes, strict about the details a real Proxy tolerates but a
 * conforming Remote never does (PROTOCOL.md §1.3): each line reports whether it ended with the
 * canonical CR LF, a BOM or an empty line is reported, and invalid UTF-8 is reported.
 *
 * Unlike the codec's `LineSplitter` (which hides those details by design), it also has a
 * counting mode: `UD3` lines are recognised from their bytes and only counted, never decoded,
 * so the simulator can absorb a throughput run cheaply.
 */
import { isUtf8 } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;
const BAR = 0x7c;
const BOM = [0xef, 0xbb, 0xbf] as const;

/** A framing problem (see the matching violation codes). */
export type FramingProblem =
  | 'bom'
  | 'empty-line'
  | 'bad-terminator'
  | 'line-too-long'
  | 'invalid-utf8';

/** Receives what a {@link LineFramer} cuts. */
export interface FramerSink {
  /** A non-empty line, terminator stripped; `crlf` is false for a bare LF. `bytes` includes it. */
  line(text: string, crlf: boolean, bytes: number): void;
  /** A `UD3` line that was only counted (count mode). */
  counted(bytes: number): void;
  /** A framing problem; `sample` is the start of the line concerned. */
  problem(problem: FramingProblem, sample: string): void;
}

/** Options of {@link LineFramer}. */
export interface LineFramerOptions {
  /** Longest accepted line, in bytes, terminator excluded. */
  maxLineBytes: number;
  /** Count `UD3` lines instead of decoding them. */
  countUpdates: boolean;
}

/** Incremental framer: feed it chunks, it reports lines to its sink in order. */
export class LineFramer {
  readonly #sink: FramerSink;
  readonly #options: LineFramerOptions;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #atStart = true;
  #discarding = false;

  constructor(sink: FramerSink, options: LineFramerOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  /** Feeds one chunk of the stream. */
  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.#atStart) {
      const start = this.#checkBom(buf);
      if (start === null) return;
      buf = start;
    }
    let from = 0;
    for (;;) {
      const lf = buf.indexOf(LF, from);
      if (lf === -1) break;
      if (this.#tailBytes === 0) {
        this.#endLine(buf, from, lf);
      } else {
        const whole = Buffer.concat([...this.#tail, buf.subarray(from, lf + 1)]);
        this.#tail = [];
        this.#tailBytes = 0;
        this.#endLine(whole, 0, whole.length - 1);
      }
      from = lf + 1;
    }
    if (from < buf.length) this.#keep(buf.subarray(from));
  }

  /** Returns the bytes to frame once the first three are known, or null while they are not. */
  #checkBom(chunk: Buffer): Buffer | null {
    const pending = this.#tailBytes === 0 ? chunk : Buffer.concat([...this.#tail, chunk]);
    const prefix = pending.subarray(0, 3);
    if (pending.length < 3 && prefix.every((byte, i) => byte === BOM[i])) {
      this.#tail = [Buffer.from(pending)];
      this.#tailBytes = pending.length;
      return null;
    }
    this.#atStart = false;
    this.#tail = [];
    this.#tailBytes = 0;
    if (prefix.length === 3 && prefix.every((byte, i) => byte === BOM[i])) {
      this.#sink.problem('bom', pending.subarray(3, 43).toString('utf8'));
      return pending.subarray(3);
    }
    return pending;
  }

  #keep(piece: Buffer): void {
    if (this.#discarding) return;
    if (this.#tailBytes + piece.length > this.#options.maxLineBytes + 2) {
      const head = Buffer.concat([...this.#tail, piece]).subarray(0, 200);
      this.#tail = [];
      this.#tailBytes = 0;
      this.#discarding = true;
      this.#sink.problem('line-too-long', head.toString('utf8'));
      return;
    }
    // Copy: the socket may reuse its chunk buffer.
    this.#tail.push(Buffer.from(piece));
    this.#tailBytes += piece.length;
  }

  /** Handles the line `buf[start, lf)`; `lf` is the index of its LF. */
  #endLine(buf: Buffer, start: number, lf: number): void {
    if (this.#discarding) {
      this.#discarding = false;
      return;
    }
    const bytes = lf + 1 - start;
    let end = lf;
    const crlf = end > start && buf[end - 1] === CR;
    while (end > start && buf[end - 1] === CR) end--;
    if (lf - end > 1) this.#sink.problem('bad-terminator', sample(buf, start, end));
    if (end === start) {
      this.#sink.problem('empty-line', '');
      return;
    }
    if (end - start > this.#options.maxLineBytes) {
      this.#sink.problem('line-too-long', sample(buf, start, end));
      return;
    }
    if (this.#options.countUpdates && isUpdateLine(buf, start, end)) {
      this.#sink.counted(bytes);
      return;
    }
    const body = buf.subarray(start, end);
    if (!isUtf8(body)) this.#sink.problem('invalid-utf8', sample(buf, start, end));
    this.#sink.line(body.toString('utf8'), crlf, bytes);
  }
}

function sample(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, Math.min(end, start + 200));
}

/** `<id>|UD3|…`, recognised without decoding. */
function isUpdateLine(buf: Buffer, start: number, end: number): boolean {
  const bar = buf.indexOf(BAR, start);
  return (
    bar !== -1 &&
    bar + 4 < end &&
    buf[bar + 1] === 0x55 && // U
    buf[bar + 2] === 0x44 && // D
    buf[bar + 3] === 0x33 && // 3
    buf[bar + 4] === BAR
  );
}
