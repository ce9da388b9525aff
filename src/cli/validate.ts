/**
 * `lsadapter validate [F] [--json]` (SPEC §6): checks the project with `validateProject` and
 * prints a summary of the adapters that would run, or every problem found; exit 0 when valid,
 * 2 when not.
 */
import { relative } from 'node:path';
import {
  type AdapterSummary,
  type ProjectProblem,
  type ProjectReport,
  validateProject,
} from '../host/validate-project.js';
import { EXIT_INVALID, EXIT_OK } from './exit.js';
import { type CliOutput, processOutput, type ValidateOptions } from './options.js';
import { commandConfigPath } from './package-root-config.js';

/** The `--json` output. */
export interface ValidateJsonReport {
  /** True when there is no problem. */
  readonly valid: boolean;
  /** The config file read, or null when none was found. */
  readonly configPath: string | null;
  /** The adapters that would run. */
  readonly adapters: readonly AdapterSummary[];
  /** Disabled entries and modules of `adaptersDir` that are not run, with the reason. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** Every problem: where (`path`, and `file` when not the config file) and what to fix. */
  readonly problems: readonly {
    readonly path: string;
    readonly message: string;
    readonly adapter?: string;
    readonly file?: string;
  }[];
}

/** Runs `lsadapter validate`; resolves with the exit code (0 valid, 2 invalid). */
export async function runValidate(
  options: ValidateOptions,
  output: CliOutput = processOutput,
): Promise<number> {
  const configPath = await commandConfigPath({ config: options.config, cwd: options.cwd });
  const check = () => validateProject({ configPath, cwd: options.cwd });
  // Adapter modules run their top-level code when imported; what they print must not end up
  // inside the JSON document.
  const report = options.json ? await withStdoutOnStderr(check) : await check();
  output.out(
    options.json
      ? `${JSON.stringify(toJsonReport(report), null, 2)}\n`
      : formatReport(report, { cwd: options.cwd, requested: options.config }),
  );
  return report.valid ? EXIT_OK : EXIT_INVALID;
}

/** The `--json` document for a report. */
export function toJsonReport(report: ProjectReport): ValidateJsonReport {
  return {
    valid: report.valid,
    configPath: report.configPath ?? null,
    adapters: report.adapters,
    skipped: report.skipped.map(({ name, reason }) => ({ name, reason })),
    problems: report.problems.map(({ path, message, adapter, file }) => ({
      path,
      message,
      ...(adapter === undefined ? {} : { adapter }),
      ...(file === undefined ? {} : { file }),
    })),
  };
}

/** Options of {@link formatReport}. */
export interface FormatReportOptions {
  /**
   * Paths below this directory are shown relative to it.
   * @default process.cwd()
   */
  cwd?: string | undefined;
  /**
   * The config file the user asked for, shown when it could not be loaded.
   * @default undefined
   */
  requested?: string | undefined;
}

/**
 * The human-readable report: the config file, then the adapters (name, kind, module,
 * connections) or every problem, then a verdict line.
 */
export function formatReport(report: ProjectReport, options: FormatReportOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const lines = [`Config: ${configLabel(report.configPath, options.requested, cwd)}`];
  if (report.valid) lines.push('', ...formatAdapters(report.adapters, cwd));
  if (report.skipped.length > 0) {
    lines.push('', `Skipped (${report.skipped.length}):`);
    for (const { name, reason } of report.skipped) lines.push(`  ${name}: ${reason}`);
  }
  if (!report.valid) lines.push('', ...formatProblems(report.problems));
  lines.push('', verdict(report));
  return `${lines.join('\n')}\n`;
}

function formatAdapters(adapters: readonly AdapterSummary[], cwd: string): string[] {
  const nameWidth = Math.max(...adapters.map((a) => a.name.length), 4);
  const lines = [`Adapters (${adapters.length}):`];
  for (const adapter of adapters) {
    const origin = adapter.origin === 'adaptersDir' ? ', from adaptersDir' : '';
    lines.push(
      `  ${adapter.name.padEnd(nameWidth)}  ${adapter.kind.padEnd(8)}  ` +
        `${shortPath(adapter.modulePath, cwd)} (${adapter.exportType}${origin})`,
      `  ${' '.repeat(nameWidth)}  ${' '.repeat(8)}  ${connections(adapter)}`,
    );
  }
  return lines;
}

function connections(adapter: AdapterSummary): string {
  if (adapter.mode === 'listen') {
    const listen = adapter.listen;
    return `listens on ${listen === undefined ? adapter.servers.join(', ') : `${listen.host}:${listen.port}`}`;
  }
  const notify = adapter.notifyPort === undefined ? '' : ` (notify port ${adapter.notifyPort})`;
  return `connects to ${adapter.servers.join(', ')}${notify}`;
}

function formatProblems(problems: readonly ProjectProblem[]): string[] {
  const lines = [`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:`];
  for (const problem of problems) {
    // Messages may span lines (the paths a module was looked for at): keep them indented.
    const [first = '', ...rest] = problem.text.split('\n');
    lines.push(`  - ${first}`, ...rest.map((line) => `    ${line}`));
  }
  return lines;
}

function verdict(report: ProjectReport): string {
  if (!report.valid) return 'Invalid: fix the problems above, then run `lsadapter validate` again.';
  const count = report.adapters.length;
  return `Valid: ${count} ${count === 1 ? 'adapter' : 'adapters'} ready to run.`;
}

function configLabel(
  found: string | undefined,
  requested: string | undefined,
  cwd: string,
): string {
  if (found !== undefined) return shortPath(found, cwd);
  return requested === undefined ? '(none loaded)' : `${requested} (not loaded)`;
}

/** A path relative to `cwd` when it lies below it, else as given. */
function shortPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** Runs `task` with whatever is written to stdout sent to stderr instead. */
async function withStdoutOnStderr<T>(task: () => Promise<T>): Promise<T> {
  const original = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await task();
  } finally {
    process.stdout.write = original;
  }
}
