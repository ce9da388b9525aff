import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  buildConfigJsonSchema,
  renderConfigJsonSchema,
} from '../../src/host/config-json-schema.js';
import { parseConfig } from '../../src/host/load-config.js';

const root = new URL('../../', import.meta.url);

describe('config JSON Schema', () => {
  it('matches the committed config/lsadapter.schema.json (run `npm run schema` to refresh it)', async () => {
    const committed = await readFile(new URL('config/lsadapter.schema.json', root), 'utf8');
    expect(committed).toBe(renderConfigJsonSchema());
  });

  it('describes the input side: strict objects, defaults optional, $schema allowed', () => {
    const schema = buildConfigJsonSchema() as {
      $schema: string;
      additionalProperties: boolean;
      required?: string[];
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required ?? []).toEqual([]);
    expect(Object.keys(schema.properties)).toContain('$schema');
    expect(schema.properties.host?.default).toBe('localhost');
    expect(schema.properties.adaptersDir?.default).toBe('./adapters');
  });
});

describe('lsadapter.config.example.json', () => {
  it('is a valid config with one metadata and two data adapters', async () => {
    const raw: unknown = JSON.parse(
      await readFile(new URL('lsadapter.config.example.json', root), 'utf8'),
    );
    const config = parseConfig(raw, { env: {} });
    expect(config.$schema).toBe('./config/lsadapter.schema.json');
    expect(config.adaptersDir).toBe('./adapters');
    expect(config.log.level).toBe('info');
    expect(config.adapters.METADATA).toMatchObject({ kind: 'metadata', port: 6663 });
    expect(config.adapters.METADATA?.params?.users).toBe('alice:wonderland,bob:builder');
    expect(config.adapters.QUOTES).toMatchObject({ kind: 'data', port: 6661 });
    expect(config.adapters.CHAT).toMatchObject({ kind: 'data', port: 6662 });
  });
});
