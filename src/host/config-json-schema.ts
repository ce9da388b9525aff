/**
 * The JSON Schema of the config file, generated from the zod schema so that editors can check
 * and complete `lsadapter.config.json` (`"$schema": "./config/lsadapter.schema.json"`). The
 * committed copy in `config/` is rewritten by `npm run schema`; a test fails when it is stale.
 */
import * as z from 'zod';
import { configSchema } from './config-schema.js';

/**
 * Builds the JSON Schema (draft 2020-12) of the config as users write it: the input side of the
 * zod schema, so that keys with defaults are optional, and `$schema` allowed at the top level.
 */
export function buildConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return { ...schema, title: 'lsadapter configuration' };
}

/** The schema as the committed file holds it: two-space JSON with a final newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
