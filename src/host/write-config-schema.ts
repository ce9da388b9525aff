/**
 * Rewrites `config/lsadapter.schema.json` from the zod schema: run `npm run schema` after
 * changing `config-schema.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderConfigJsonSchema } from './config-json-schema.js';

const target = fileURLToPath(new URL('../../config/lsadapter.schema.json', import.meta.url));

await writeFile(target, renderConfigJsonSchema());
console.log(`Wrote ${target}`);
