/**
 * Turns zod issues into the messages users see (SPEC §5): `adapters.QUOTES.port: Expected
 * number, received string`, `adapters.QUOTES: Unrecognized key "prot" (did you mean "port"?)`.
 *
 * Zod 4's own wording ("Invalid input: expected number, received string") is not the one the
 * CLI documents, and a global error map would also change the messages of user code that uses
 * zod in the same process, so the issues are formatted here after parsing instead. Parse with
 * `reportInput: true` so that the received values are known.
 */
import type * as z from 'zod';
import { type ConfigIssue, formatIssuePath } from './errors.js';

type ZodIssue = z.core.$ZodIssue;

/** The parts of a zod schema definition that lead to nested schemas. */
interface SchemaDef {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
  shape?: Readonly<Record<string, z.core.$ZodType>>;
  valueType?: z.core.$ZodType;
  element?: z.core.$ZodType;
}

/**
 * Formats zod issues as {@link ConfigIssue}s, one per problem (an issue naming two unknown keys
 * gives two), with paths prefixed by `prefix`.
 *
 * @param schema - the schema that was parsed, used to suggest the closest known key.
 */
export function formatZodIssues(
  issues: readonly ZodIssue[],
  schema: z.core.$ZodType,
  prefix: readonly PropertyKey[] = [],
): ConfigIssue[] {
  return issues.flatMap((issue) => formatOne(issue, { schema, prefix, base: [] }));
}

/** Where an issue sits: display prefix, and its base path below the root `schema`. */
interface IssueContext {
  readonly schema: z.core.$ZodType;
  readonly prefix: readonly PropertyKey[];
  readonly base: readonly PropertyKey[];
}

function formatOne(issue: ZodIssue, context: IssueContext): ConfigIssue[] {
  const schemaPath = [...context.base, ...issue.path];
  const path = formatIssuePath([...context.prefix, ...schemaPath]);
  const nested = { ...context, base: schemaPath };
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(context.schema, schemaPath);
      return issue.keys.map((key) => ({
        path,
        message: `Unrecognized key "${key}"${suggestionFor(key, known)}`,
      }));
    }
    case 'invalid_union': {
      const best = bestUnionBranch(issue);
      if (best !== undefined) return best.flatMap((inner) => formatOne(inner, nested));
      const expected = unionExpectedTypes(issue);
      const message =
        expected.length === 0
          ? issue.message
          : `Expected ${expected.join(' or ')}, received ${describeType(issue.input)}`;
      return [{ path, message }];
    }
    case 'invalid_key':
    case 'invalid_element':
      return issue.issues.flatMap((inner) => formatOne(inner, nested));
    default:
      return [{ path, message: describeIssue(issue) }];
  }
}

/**
 * A union (such as `tls`: boolean or object) fails as a whole. When the value has the type of
 * one member, that member's own problems are the useful ones; otherwise the caller lists the
 * types allowed.
 */
function bestUnionBranch(issue: z.core.$ZodIssueInvalidUnion): readonly ZodIssue[] | undefined {
  const typeMismatch = (branch: readonly ZodIssue[]) =>
    branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
  const matching = issue.errors.filter((branch) => !typeMismatch(branch));
  return matching.sort((a, b) => a.length - b.length)[0];
}

/** The types a failed union accepts, when every member failed on the value's type alone. */
export function unionExpectedTypes(issue: z.core.$ZodIssueInvalidUnion): string[] {
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (branch.length !== 1 || first?.code !== 'invalid_type' || first.path.length > 0) return [];
    const name = typeName(first.expected);
    if (!expected.includes(name)) expected.push(name);
  }
  return expected;
}

function describeIssue(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return describeInvalidType(issue);
    case 'invalid_value':
      return describeInvalidValue(issue);
    case 'too_small':
      return describeBound(issue.origin, 'min', issue.minimum, issue.inclusive ?? true);
    case 'too_big':
      return describeBound(issue.origin, 'max', issue.maximum, issue.inclusive ?? true);
    case 'not_multiple_of':
      return `Number must be a multiple of ${issue.divisor}`;
    case 'invalid_format':
      return `Invalid ${issue.format}`;
    default:
      return issue.message;
  }
}

function describeInvalidType(issue: z.core.$ZodIssueInvalidType): string {
  if (issue.input === undefined && issue.expected !== 'undefined') return 'Required';
  if (issue.expected === 'int' && typeof issue.input === 'number' && Number.isFinite(issue.input)) {
    return 'Expected integer, received float';
  }
  return `Expected ${typeName(issue.expected)}, received ${describeType(issue.input)}`;
}

function describeInvalidValue(issue: z.core.$ZodIssueInvalidValue): string {
  const received = quote(issue.input);
  if (issue.values.length === 1) {
    return `Invalid literal value, expected ${quote(issue.values[0])}, received ${received}`;
  }
  const options = issue.values.map(quote).join(' | ');
  const known = issue.values.filter((value): value is string => typeof value === 'string');
  const hint = typeof issue.input === 'string' ? suggestionFor(issue.input, known, "'") : '';
  return `Invalid enum value. Expected ${options}, received ${received}${hint}`;
}

function describeBound(
  origin: string,
  side: 'min' | 'max',
  bound: number | bigint,
  inclusive: boolean,
): string {
  const atLeast = side === 'min';
  switch (origin) {
    case 'string':
      return `String must contain at ${atLeast ? 'least' : 'most'} ${bound} character(s)`;
    case 'array':
    case 'set':
      return `Array must contain at ${atLeast ? 'least' : 'most'} ${bound} element(s)`;
    default: {
      const relation = atLeast ? 'greater than' : 'less than';
      return `Number must be ${relation}${inclusive ? ' or equal to' : ''} ${bound}`;
    }
  }
}

/** The name a user knows for a zod type name. */
function typeName(expected: string): string {
  if (expected === 'int') return 'integer';
  if (expected === 'record') return 'object';
  return expected;
}

/** The type of a received value, in the words of the messages (`array`, `null`, `nan`, …). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'nan';
  return typeof value;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** ` (did you mean "port"?)` when a known name is close to `word`, else an empty string. */
export function suggestionFor(word: string, known: readonly string[], mark = '"'): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance =
      candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return '';
  // Allow about one typo per three letters, and at least one.
  const tolerance = Math.max(1, Math.floor(best.length / 3));
  return bestDistance <= tolerance ? ` (did you mean ${mark}${best}${mark}?)` : '';
}

/** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const previous = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (rows[i - 2]?.[j - 2] as number) + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] as number;
}

/** The keys an object schema found at `path` accepts (several objects in a union: all of them). */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType[] = [schema];
  for (const segment of path) {
    current = current.flatMap((s) => childrenAt(s, segment));
  }
  return [...new Set(current.flatMap((s) => Object.keys(objectShapes(s))))];
}

function childrenAt(schema: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType[] {
  return unwrapAll(schema).flatMap((inner) => {
    const def = defOf(inner);
    if (def.type === 'object') {
      const child = def.shape?.[String(segment)];
      return child === undefined ? [] : [child];
    }
    if (def.type === 'record' && def.valueType !== undefined) return [def.valueType];
    if (def.type === 'array' && def.element !== undefined) return [def.element];
    return [];
  });
}

function objectShapes(schema: z.core.$ZodType): Record<string, z.core.$ZodType> {
  const shapes = unwrapAll(schema).map((inner) => defOf(inner).shape ?? {});
  return Object.assign({}, ...shapes);
}

/** Sees through optional, nullable, default, prefault, pipe and union wrappers. */
function unwrapAll(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = defOf(schema);
  if (def.innerType !== undefined) return unwrapAll(def.innerType);
  if (def.type === 'pipe' && def.in !== undefined) return unwrapAll(def.in);
  if (def.type === 'union' && def.options !== undefined) return def.options.flatMap(unwrapAll);
  return [schema];
}

function defOf(schema: z.core.$ZodType): SchemaDef {
  return schema._zod.def as unknown as SchemaDef;
}
