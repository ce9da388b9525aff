/**
 * Temporary directories for tests that need real files (configs, modules, PEM files).
 * Call `cleanup()` in `afterEach`/`finally`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A temporary directory and what tests do with it. */
export interface TempDir {
  /** Absolute path of the directory. */
  readonly path: string;
  /** Absolute path of `relativePath` inside the directory. */
  resolve(relativePath: string): string;
  /** Writes a file (creating parent directories); returns its absolute path. */
  write(relativePath: string, content: string | Uint8Array): Promise<string>;
  /** Removes the directory and everything in it. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Creates a fresh directory under the OS temp dir whose name starts with `prefix`. */
export async function makeTempDir(prefix = 'lsadapter-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const inside = (relativePath: string): string => {
    const target = resolve(path, relativePath);
    if (!target.startsWith(path))
      throw new Error(`${relativePath} is outside the temp dir ${path}`);
    return target;
  };
  return {
    path,
    resolve: inside,
    async write(relativePath, content) {
      const target = inside(relativePath);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      return target;
    },
    async cleanup() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
