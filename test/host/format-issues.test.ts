import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { formatIssuePath } from '../../src/host/errors.js';
import {
  editDistance,
  formatZodIssues,
  knownKeysAt,
  suggestionFor,
} from '../../src/host/format-issues.js';

describe('formatIssuePath', () => {
  it('joins keys with dots and puts indexes and unusual keys in brackets', () => {
    expect(formatIssuePath(['adapters', 'QUOTES', 'port'])).toBe('adapters.QUOTES.port');
    expect(formatIssuePath(['servers', 1, 'host'])).toBe('servers[1].host');
    expect(formatIssuePath(['adapters', 'A.B', 'port'])).toBe('adapters["A.B"].port');
    expect(formatIssuePath(['adapters', 'MY-ADAPTER'])).toBe('adapters.MY-ADAPTER');
    expect(formatIssuePath([])).toBe('(root)');
  });
});

describe('suggestions', () => {
  it('measures edits, counting a transposition as one', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests a close key, ignoring case, and nothing when nothing is close', () => {
    expect(suggestionFor('prot', ['port', 'host'])).toBe(' (did you mean "port"?)');
    expect(suggestionFor('HOST', ['port', 'host'])).toBe(' (did you mean "host"?)');
    expect(suggestionFor('colour', ['level', 'pretty'])).toBe('');
    expect(suggestionFor('x', [])).toBe('');
  });
});

describe('formatZodIssues', () => {
  const schema = z.strictObject({
    list: z.array(z.strictObject({ name: z.string() })).optional(),
    map: z.record(z.string(), z.strictObject({ size: z.int() })).optional(),
    either: z.union([z.boolean(), z.strictObject({ depth: z.int() })]).optional(),
  });
  const format = (value: unknown, prefix: PropertyKey[] = []) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) throw new Error('expected a failure');
    return formatZodIssues(result.error.issues, schema, prefix).map(
      (i) => `${i.path}: ${i.message}`,
    );
  };

  it('finds the known keys below arrays, records and unions', () => {
    expect(knownKeysAt(schema, ['list', 0])).toEqual(['name']);
    expect(knownKeysAt(schema, ['map', 'anything'])).toEqual(['size']);
    expect(knownKeysAt(schema, ['either'])).toEqual(['depth']);
    expect(knownKeysAt(schema, ['nowhere'])).toEqual([]);
  });

  it('suggests keys in nested objects, union members included', () => {
    expect(format({ list: [{ nam: 'x' }], map: { a: { sise: 1 } }, either: { dept: 1 } })).toEqual([
      'list[0].name: Required',
      'list[0]: Unrecognized key "nam" (did you mean "name"?)',
      'map.a.size: Required',
      'map.a: Unrecognized key "sise" (did you mean "size"?)',
      'either.depth: Required',
      'either: Unrecognized key "dept" (did you mean "depth"?)',
    ]);
  });

  it('gives one issue per unknown key and prefixes paths', () => {
    expect(format({ a: 1, b: 2 }, ['settings'])).toEqual([
      'settings: Unrecognized key "a"',
      'settings: Unrecognized key "b"',
    ]);
  });
});
