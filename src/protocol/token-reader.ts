/**
 * A cursor over the `|`-separated tokens of one line (PROTOCOL.md §1.4), with typed reads.
 * Every failure is a {@link ProtocolError} naming what was being parsed and carrying the line.
 */
import { ProtocolError } from './errors.js';
import { decodeString, type StringEncoding } from './escaping.js';
import { decodeBoolean, decodeDouble, decodeInteger } from './values.js';

/** Splits a line into tokens; an empty token makes the line malformed (canonical §1.4). */
export function splitLine(line: string): string[] {
  const tokens = line.split('|');
  for (const token of tokens) {
    if (token === '') throw new ProtocolError('Empty token', line);
  }
  return tokens;
}

/** Reads typed arguments from a token list, starting after the id and method. */
export class TokenReader {
  readonly #tokens: string[];
  readonly #line: string;
  readonly #what: string;
  #pos: number;

  constructor(tokens: string[], line: string, what: string, start = 2) {
    this.#tokens = tokens;
    this.#line = line;
    this.#what = what;
    this.#pos = start;
  }

  /** True when every token has been read. */
  get done(): boolean {
    return this.#pos >= this.#tokens.length;
  }

  /** Tokens left. */
  get remaining(): number {
    return this.#tokens.length - this.#pos;
  }

  /** The next token (the type tag, usually) without consuming it. */
  peek(): string | undefined {
    return this.#tokens[this.#pos];
  }

  /** Fails with a message naming the request being parsed. */
  fail(reason: string, cause?: unknown): never {
    throw new ProtocolError(`${reason} while parsing ${this.#what}`, this.#line, { cause });
  }

  /** Consumes one raw token. */
  raw(): string {
    const token = this.#tokens[this.#pos];
    if (token === undefined) this.fail('Token not found');
    this.#pos++;
    return token;
  }

  /** Consumes a type tag, which must be `tag`. */
  tag(tag: string): void {
    const found = this.raw();
    if (found !== tag) this.fail(`Unknown type '${found}' found (expected '${tag}')`);
  }

  /** Consumes a `tag|value` pair and returns the raw value token. */
  #typed(tag: string): string {
    this.tag(tag);
    return this.raw();
  }

  /** `S|<encoded>` → string or null. */
  string(encoding: StringEncoding): string | null {
    const token = this.#typed('S');
    try {
      return decodeString(token, encoding);
    } catch (error) {
      return this.fail('Bad string', error);
    }
  }

  /** An untyped encoded string token, as after an `E…` tag (§2.7). */
  untypedString(encoding: StringEncoding): string | null {
    const token = this.raw();
    try {
      return decodeString(token, encoding);
    } catch (error) {
      return this.fail('Bad string', error);
    }
  }

  /** `I|<n>` or `L|<n>` → number; `#` is refused (a count or an index is never null here). */
  integer(tag: 'I' | 'L' = 'I'): number {
    const value = this.#decode(this.#typed(tag), decodeInteger);
    if (value === null) this.fail(`Null ${tag} value`);
    return value;
  }

  /** `D|<x>` → number. */
  double(): number {
    const value = this.#decode(this.#typed('D'), decodeDouble);
    if (value === null) this.fail('Null D value');
    return value;
  }

  /** `B|0/1` → boolean. */
  boolean(): boolean {
    return this.#decode(this.#typed('B'), decodeBoolean);
  }

  /** `<tag>|<token>` decoded by `decode`. */
  typed<T>(tag: string, decode: (token: string) => T): T {
    return this.#decode(this.#typed(tag), decode);
  }

  /** Reads `S|name|S|value` pairs up to the end of the line. */
  pairsToEnd(encoding: StringEncoding): Array<[string, string | null]> {
    const pairs: Array<[string, string | null]> = [];
    while (!this.done) {
      const name = this.string(encoding);
      if (name === null) this.fail('Null parameter name');
      pairs.push([name, this.string(encoding)]);
    }
    return pairs;
  }

  /** Reads `S|value` tokens up to the end of the line. */
  stringsToEnd(encoding: StringEncoding): Array<string | null> {
    const out: Array<string | null> = [];
    while (!this.done) out.push(this.string(encoding));
    return out;
  }

  /** Fails if tokens are left (requests with a fixed argument list, §6.3). */
  end(): void {
    if (!this.done) this.fail('Unexpected extra tokens');
  }

  #decode<T>(token: string, decode: (token: string) => T): T {
    try {
      return decode(token);
    } catch (error) {
      return this.fail(error instanceof Error ? error.message : String(error), error);
    }
  }
}
