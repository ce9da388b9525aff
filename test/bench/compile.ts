/**
 * Compiles the bench's child-side TypeScript to plain JavaScript under `.bench-out/js/`, so that
 * each bench process runs on bare `node`: no TypeScript loader in the measured process (tsx costs
 * ~50 MB of RSS and would resolve `lsadapter` to `src/` through tsconfig paths). Inside the
 * package, `import 'lsadapter'` resolves to the built `dist/` through the package's own
 * `exports`, i.e. what users run.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** Files of `test/bench/` that no bench process imports. */
const SKIPPED = new Set(['run.ts', 'reload-memory.ts']);

async function listSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listSources(path)));
    else if (entry.name.endsWith('.ts') && !SKIPPED.has(entry.name)) files.push(path);
  }
  return files;
}

/** Transpiles every bench source to `outDir`, keeping the folder layout; returns `outDir`. */
export async function compileBench(benchDir: string, outDir: string): Promise<string> {
  for (const file of await listSources(benchDir)) {
    const source = await readFile(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(outDir, relative(benchDir, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return outDir;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

/** A warning when `dist/` is missing or older than `src/` (the bench measures `dist/`). */
export async function distWarning(root: string): Promise<string | undefined> {
  const built = await stat(join(root, 'dist', 'index.js')).catch(() => undefined);
  if (built === undefined) return 'dist/ is missing: run `npm run build` (or `npm run bench`)';
  if ((await newestMtime(join(root, 'src'))) > built.mtimeMs) {
    return 'dist/ is older than src/: the bench measures dist/, run `npm run build` first';
  }
  return undefined;
}
