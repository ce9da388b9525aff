/**
 * Errors the host raises while reading its config file and importing adapter modules.
 *
 * Two families, so that the CLI can map both onto exit code 2 (SPEC §6) with one `instanceof`:
 * {@link ConfigError} (the config file, or a module's `settings` export, is wrong) and
 * {@link ModuleLoadError} (an adapter module cannot be found, imported or used). Every message
 * says what to fix.
 */

/** One problem found in a config file or in a module's `settings` export. */
export interface ConfigIssue {
  /**
   * Where the problem is, as a dotted path (`adapters.QUOTES.port`, `servers[1].host`), or
   * {@link ROOT_PATH} for the document as a whole.
   */
  readonly path: string;
  /** What is wrong, e.g. `Expected number, received string`. */
  readonly message: string;
}

/** The path shown for a problem with the whole document rather than one of its values. */
export const ROOT_PATH = '(root)';

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a value's location: keys joined with dots, array indexes in brackets, and keys that
 * are not plain names quoted (`adapters["MY ADAPTER"].port`).
 */
export function formatIssuePath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? ROOT_PATH : out;
}

/** Renders one issue as `path: message`. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** Options of {@link ConfigError}. */
export interface ConfigErrorOptions {
  /**
   * The file the issues were found in (config file or adapter module).
   * @default undefined (not shown)
   */
  source?: string;
  /**
   * First line of the message.
   * @default "Invalid configuration in <source>"
   */
  headline?: string;
  /**
   * The underlying error (a parser's, for instance).
   * @default undefined
   */
  cause?: unknown;
}

/**
 * The configuration is unusable: the file cannot be found or parsed, or values are missing or
 * wrong. {@link ConfigError.issues} lists every problem found, not just the first; the message
 * has a headline followed by one `path: message` line per issue.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found, in document order as far as it is known. */
  readonly issues: readonly ConfigIssue[];
  /** The file the problems were found in, when known. */
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], options: ConfigErrorOptions = {}) {
    const headline =
      options.headline ??
      `Invalid configuration${options.source === undefined ? '' : ` in ${options.source}`}` +
        ` (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):`;
    super([headline, ...issues.map(formatIssue)].join('\n'), { cause: options.cause });
    this.issues = issues;
    this.source = options.source;
  }
}

/** No config file was found where the host looked, or the file given does not exist. */
export class ConfigNotFoundError extends ConfigError {
  override name = 'ConfigNotFoundError';
  /** The directories searched (empty when an explicit path was given). */
  readonly searchedDirs: readonly string[];

  constructor(headline: string, searchedDirs: readonly string[] = []) {
    super([], { headline });
    this.searchedDirs = searchedDirs;
  }
}

/** Options shared by the module errors. */
export interface ModuleErrorOptions {
  /**
   * The adapter the module belongs to.
   * @default undefined (not shown)
   */
  adapter?: string;
  /**
   * The underlying error.
   * @default undefined
   */
  cause?: unknown;
}

/**
 * An adapter module cannot be used: not found, failed to import, or its export is not an
 * adapter. The subclasses say which; all carry the module's path.
 */
export class ModuleLoadError extends Error {
  override name = 'ModuleLoadError';
  /** The adapter the module belongs to, when known. */
  readonly adapter: string | undefined;
  /** Absolute path of the module file (the first path tried when none was found). */
  readonly modulePath: string;
  /** The message without the adapter's name in front. */
  readonly reason: string;

  constructor(reason: string, modulePath: string, options: ModuleErrorOptions = {}) {
    super(`${adapterPrefix(options.adapter)}${reason}`, { cause: options.cause });
    this.adapter = options.adapter;
    this.modulePath = modulePath;
    this.reason = reason;
  }
}

/** No file exists at any of the paths an adapter's module may have. */
export class ModuleNotFoundError extends ModuleLoadError {
  override name = 'ModuleNotFoundError';
  /** Every absolute path tried, in order. */
  readonly tried: readonly string[];

  constructor(tried: readonly string[], hint: string, options: ModuleErrorOptions = {}) {
    super(
      `module not found; tried:\n${tried.map((path) => `  ${path}`).join('\n')}\n${hint}`,
      tried[0] ?? '',
      options,
    );
    this.tried = tried;
  }
}

/** Where a syntax error is. */
export interface SourceLocation {
  /** Absolute path of the file with the error (the module itself or a file it imports). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, when the parser reports one. */
  readonly column?: number | undefined;
}

/** An adapter module (or a file it imports) does not parse. */
export class ModuleSyntaxError extends ModuleLoadError {
  override name = 'ModuleSyntaxError';
  /** File and line of the error. */
  readonly location: SourceLocation;
  /** The parser's own description, e.g. `missing ) after argument list`. */
  readonly detail: string;

  constructor(
    modulePath: string,
    location: SourceLocation,
    detail: string,
    options: ModuleErrorOptions = {},
  ) {
    const where = `${location.file}:${location.line}${location.column === undefined ? '' : `:${location.column}`}`;
    super(`syntax error at ${where}: ${detail}`, modulePath, options);
    this.location = location;
    this.detail = detail;
  }
}

/** An adapter module's default export is not a usable adapter of its kind. */
export class ModuleShapeError extends ModuleLoadError {
  override name = 'ModuleShapeError';
  /** Required methods that are absent. */
  readonly missing: readonly string[];
  /** Known method names whose value is not a function. */
  readonly notFunctions: readonly string[];

  constructor(
    modulePath: string,
    message: string,
    details: { missing?: readonly string[]; notFunctions?: readonly string[] } = {},
    options: ModuleErrorOptions = {},
  ) {
    super(`${message} (in ${modulePath})`, modulePath, options);
    this.missing = details.missing ?? [];
    this.notFunctions = details.notFunctions ?? [];
  }
}

function adapterPrefix(adapter: string | undefined): string {
  return adapter === undefined ? '' : `Adapter "${adapter}": `;
}
