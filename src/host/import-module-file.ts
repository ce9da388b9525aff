/**
 * Imports one adapter (or config) module file, TypeScript or JavaScript, and turns a failure into
 * an error that says where the problem is.
 *
 * Every file goes through tsx, JavaScript included, because tsx runs inside Node's own loader
 * (a bare `import()` in our source would be rewritten by test runners that transform source
 * files, so tests would not exercise the real path), passes plain ES modules to Node unchanged,
 * and compiles ES module syntax that sits in a CommonJS package (a `.ts` or `.js` file without
 * `"type": "module"`), which Node alone rejects.
 *
 * All files are imported in one tsx namespace, so that adapters importing the same helper
 * module share one copy of it (the example chat and metadata adapters talk through one). A fresh
 * copy for hot reload is the file's URL with a new query (`?lsadapter-reload=<n>`): Node cannot
 * unload ES modules, but a new URL is a new module. Only the file itself is re-evaluated; the
 * modules it imports stay the shared copies. (A new tsx namespace per import would re-evaluate
 * its relative imports too, but would also give each adapter private copies of shared modules.)
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';
import { ModuleLoadError, ModuleSyntaxError, type SourceLocation } from './errors.js';

/** A module's exports by name (`default` included). */
export type ModuleNamespace = Readonly<Record<string, unknown>>;

/** Bound on the `node --check` run that locates a syntax error: 10 s. */
export const SYNTAX_CHECK_TIMEOUT_MS = 10_000;

/** The tsx namespace adapter modules are imported in. */
export const MODULE_NAMESPACE = 'lsadapter-modules';

/** The query parameter that makes a reloaded module's URL new. */
export const RELOAD_PARAMETER = 'lsadapter-reload';

type ScopedImport = (specifier: string, parentURL: string) => Promise<ModuleNamespace>;

let scopedImport: ScopedImport | undefined;
let reloads = 0;
const commonJsCache = createRequire(import.meta.url).cache;

/** Registers the tsx hooks once: CommonJS ones too, for TypeScript compiled to CommonJS. */
function moduleImporter(): ScopedImport {
  if (scopedImport === undefined) {
    registerCommonJs({ namespace: MODULE_NAMESPACE });
    scopedImport = registerEsm({ namespace: MODULE_NAMESPACE }).import;
  }
  return scopedImport;
}

/** Options of {@link importModuleFile}. */
export interface ImportModuleFileOptions {
  /**
   * The adapter the module belongs to, for error messages.
   * @default undefined
   */
  adapter?: string | undefined;
  /**
   * Evaluate the file anew instead of returning the copy imported before.
   * @default false
   */
  fresh?: boolean | undefined;
}

/**
 * Imports `path` (absolute) and returns its exports. TypeScript compiled to CommonJS (a file in
 * a package without `"type": "module"`) is unwrapped, so `default` is the file's own default
 * export either way.
 *
 * @throws {ModuleSyntaxError} when the file or a file it imports does not parse.
 * @throws {ModuleLoadError} when the import fails otherwise (the error is the `cause`).
 */
export async function importModuleFile(
  path: string,
  options: ImportModuleFileOptions = {},
): Promise<ModuleNamespace> {
  let url = pathToFileURL(path).href;
  if (options.fresh === true) {
    reloads += 1;
    url += `?${RELOAD_PARAMETER}=${reloads}`;
    // Node's CommonJS loader keys its cache by file name and ignores the query.
    delete commonJsCache[path];
  }
  let namespace: ModuleNamespace;
  try {
    namespace = await moduleImporter()(url, import.meta.url);
  } catch (error) {
    throw await describeImportFailure(error, path, options.adapter);
  }
  return unwrapCommonJs(namespace);
}

/**
 * ES module syntax compiled to CommonJS exports `{ __esModule: true, default, ... }`, which an
 * `import()` shows as the `default` export; the real exports are inside it.
 */
export function unwrapCommonJs(namespace: ModuleNamespace): ModuleNamespace {
  const inner = namespace.default;
  if (
    typeof inner === 'object' &&
    inner !== null &&
    (inner as ModuleNamespace).__esModule === true
  ) {
    return inner as ModuleNamespace;
  }
  return namespace;
}

/**
 * Maps an import failure onto a {@link ModuleLoadError}, locating syntax errors: esbuild (used
 * by tsx for TypeScript and CommonJS-context files) puts `file:line:col` in its message, Node's
 * CommonJS loader puts `file:line` on the first line of the stack, and Node's ES module loader
 * gives no location at all, so `node --check` is asked for it.
 */
export async function describeImportFailure(
  error: unknown,
  path: string,
  adapter?: string,
): Promise<ModuleLoadError> {
  const options = { adapter, cause: error };
  const esbuild = esbuildSyntaxError(error);
  if (esbuild !== undefined) {
    const hint = esbuild.detail.includes('"cjs" output format') ? COMMONJS_HINT : '';
    return new ModuleSyntaxError(path, esbuild.location, esbuild.detail + hint, options);
  }
  if (error instanceof SyntaxError) {
    const location = stackLocation(error) ?? (await checkSyntax(path));
    if (location !== undefined) {
      return new ModuleSyntaxError(path, location, error.message, options);
    }
    return new ModuleLoadError(
      `syntax error in ${path} or in a module it imports: ${error.message}`,
      path,
      options,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModuleLoadError(`importing ${path} failed: ${message}`, path, options);
}

/** Why ES module syntax such as top-level await fails in a `.ts`/`.js` file, and the fixes. */
const COMMONJS_HINT =
  ' (the file is compiled to CommonJS because no package.json with "type": "module" applies' +
  ' to it: add one, or rename the file to .mts/.mjs)';

const ESBUILD_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;

function esbuildSyntaxError(
  error: unknown,
): { location: SourceLocation; detail: string } | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('Transform failed')) return undefined;
  const match = ESBUILD_ERROR.exec(error.message);
  if (match === null) return undefined;
  const [, file, line, column, detail] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  // esbuild counts columns from 0; editors and SourceLocation from 1.
  return { location: { file, line: Number(line), column: Number(column) + 1 }, detail };
}

const LOCATION_LINE = /^(.+):(\d+)$/;

function stackLocation(error: SyntaxError): SourceLocation | undefined {
  const first = error.stack?.split('\n', 1)[0] ?? '';
  const match = LOCATION_LINE.exec(first);
  if (match === null || first.startsWith('SyntaxError')) return undefined;
  return { file: match[1] as string, line: Number(match[2]) };
}

/**
 * Runs `node --check` on the file, which prints `file:line`, the source line and a caret under
 * the offending column. `undefined` when the file itself parses (the error is in an import).
 */
async function checkSyntax(path: string): Promise<SourceLocation | undefined> {
  // Loader flags in NODE_OPTIONS would make the check import things; it needs none.
  const env = { ...process.env, NODE_OPTIONS: '' };
  const stderr = await new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      ['--check', path],
      { env, timeout: SYNTAX_CHECK_TIMEOUT_MS, encoding: 'utf8' },
      (_error, _stdout, output) => resolve(output),
    );
  });
  const [first = '', , caret = ''] = stderr.split('\n');
  const match = LOCATION_LINE.exec(first);
  if (match === null) return undefined;
  const column = caret.indexOf('^');
  return {
    file: match[1] as string,
    line: Number(match[2]),
    column: column === -1 ? undefined : column + 1,
  };
}
