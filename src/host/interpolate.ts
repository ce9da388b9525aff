/**
 * Environment variables in config values (SPEC §5): every string of the raw config, at any
 * depth, may contain
 *
 * - `${NAME}`: the value of `NAME`; an error when `NAME` is not set;
 * - `${NAME:-default}`: the value of `NAME`, or `default` when it is unset or empty (as in a
 *   POSIX shell); the default may be empty (`${NAME:-}`) but cannot contain `}`;
 * - `$${`: a literal `${` (so `$${HOME}` stays `${HOME}`).
 *
 * Names are letters, digits and `_`, not starting with a digit. Keys are never expanded. Every
 * problem is reported with the path of its value, not just the first one.
 */
import { type ConfigIssue, formatIssuePath } from './errors.js';

/** Variables to read, such as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The outcome of {@link interpolateEnv}. */
export interface InterpolationResult {
  /** A copy of the input with every expandable string expanded (failed ones left as they were). */
  readonly value: unknown;
  /** One issue per missing variable or malformed reference. */
  readonly issues: readonly ConfigIssue[];
  /**
   * Paths (as {@link formatIssuePath} renders them) of the strings that contained a reference:
   * their values came from the environment, so a numeric string there may stand for a number.
   */
  readonly expandedPaths: ReadonlySet<string>;
}

/** The outcome of {@link expandString}. */
export interface StringExpansion {
  /** The expanded text. */
  readonly value: string;
  /** Whether the text contained a `${…}` reference. */
  readonly expanded: boolean;
  /** Problems, each a message without a path. */
  readonly problems: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands the references of every string in `raw` (objects and arrays are walked; other values
 * are kept as they are), reading variables from `env`.
 */
export function interpolateEnv(raw: unknown, env: Env): InterpolationResult {
  const issues: ConfigIssue[] = [];
  const expandedPaths = new Set<string>();
  const walk = (value: unknown, path: readonly PropertyKey[]): unknown => {
    if (typeof value === 'string') {
      const result = expandString(value, env);
      const where = formatIssuePath(path);
      if (result.expanded) expandedPaths.add(where);
      for (const message of result.problems) issues.push({ path: where, message });
      return result.problems.length > 0 ? value : result.value;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
    if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = walk(item, [...path, key]);
      return copy;
    }
    return value;
  };
  return { value: walk(raw, []), issues, expandedPaths };
}

/** Expands the references of one string (see the module comment for the syntax). */
export function expandString(text: string, env: Env): StringExpansion {
  let value = '';
  let expanded = false;
  const problems: string[] = [];
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar === -1) break;
    value += text.slice(index, dollar);
    if (text.startsWith('$${', dollar)) {
      value += '${';
      index = dollar + 3;
      continue;
    }
    if (!text.startsWith('${', dollar)) {
      value += '$';
      index = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) {
      problems.push(`unterminated "\${" in "${text}" (write $\${ for a literal \${)`);
      return { value: text, expanded: true, problems };
    }
    expanded = true;
    const reference = resolveReference(text.slice(dollar + 2, close), env);
    if (typeof reference === 'string') value += reference;
    else problems.push(reference.problem);
    index = close + 1;
  }
  value += text.slice(index);
  return { value, expanded, problems };
}

function resolveReference(body: string, env: Env): string | { problem: string } {
  const separator = body.indexOf(':-');
  const name = separator === -1 ? body : body.slice(0, separator);
  if (!NAME.test(name)) {
    return {
      problem: `invalid reference "\${${body}}": a variable name is letters, digits and _ (write $\${ for a literal \${)`,
    };
  }
  const current = env[name];
  if (separator !== -1) {
    return current === undefined || current === '' ? body.slice(separator + 2) : current;
  }
  if (current === undefined) {
    return {
      problem: `environment variable ${name} is not set (use \${${name}:-default} to give a default)`,
    };
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
