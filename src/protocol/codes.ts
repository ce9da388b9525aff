/**
 * Method names, type tags and reserved ids of ARI (PROTOCOL.md §1.5, §2.1).
 */

/** Requests the Proxy sends to a Data Adapter. */
export const DATA_REQUEST_METHODS = ['DPI', 'SUB', 'USB'] as const;
/** Requests the Proxy sends to a Metadata Adapter (§5.1). */
export const METADATA_REQUEST_METHODS = [
  'MPI',
  'NUS',
  'NUA',
  'GIS',
  'GSC',
  'GIT',
  'GUI',
  'NUM',
  'NNS',
  'NSC',
  'NNT',
  'NTC',
  'MDA',
  'MSA',
  'MDC',
] as const;
/** Requests the Remote sends to the Proxy on the metadata connection (§5.3, 1.9.0+). */
export const CONTROL_REQUEST_METHODS = ['FST', 'FUS'] as const;

/** A request method of a Data Adapter. */
export type DataRequestMethod = (typeof DATA_REQUEST_METHODS)[number];
/** A request method of a Metadata Adapter. */
export type MetadataRequestMethod = (typeof METADATA_REQUEST_METHODS)[number];
/** Any request the Proxy may send. */
export type ProxyRequestMethod = DataRequestMethod | MetadataRequestMethod;
/** A request the Remote may send to the Proxy. */
export type ControlRequestMethod = (typeof CONTROL_REQUEST_METHODS)[number];

/** Reserved id of `CLOSE` (§1.5). */
export const CLOSE_ID = '0';
/** Reserved id of `RAC` on the request/reply connection (§1.5). */
export const RAC_ID = '1';
/** Reserved id of a Metadata Adapter's `FAL` (§5.3). */
export const METADATA_FAILURE_ID = '2';

/** The bare keepalive line (§6.1). */
export const KEEPALIVE_LINE = 'KEEPALIVE';

/** Exception tags of error replies (§2.7). */
export type ErrorTag =
  | 'E'
  | 'ED'
  | 'EU'
  | 'EF'
  | 'EM'
  | 'EA'
  | 'ER'
  | 'EC'
  | 'EX'
  | 'EI'
  | 'ES'
  | 'EN';

/** Every exception tag, for validation of inbound lines. */
export const ERROR_TAGS: ReadonlySet<string> = new Set<ErrorTag>([
  'E',
  'ED',
  'EU',
  'EF',
  'EM',
  'EA',
  'ER',
  'EC',
  'EX',
  'EI',
  'ES',
  'EN',
]);

/** Which exception tags each request's reply may carry besides `E` (§2.7 table). */
export const ALLOWED_ERROR_TAGS: Readonly<Record<ProxyRequestMethod, readonly ErrorTag[]>> = {
  DPI: ['ED'],
  SUB: ['EU', 'EF'],
  USB: ['EU', 'EF'],
  MPI: ['EM'],
  NUS: ['EA', 'ER', 'EC'],
  NUA: ['EA', 'ER', 'EC'],
  GIS: ['EI'],
  GSC: ['EI', 'ES'],
  GIT: [],
  GUI: [],
  NUM: ['EN', 'EC'],
  NNS: ['EN', 'EC', 'EX'],
  NSC: ['EN'],
  NNT: ['EN', 'EC'],
  NTC: ['EN'],
  MDA: ['EN', 'EC'],
  MSA: ['EN', 'EC'],
  MDC: ['EN', 'EC'],
};

/**
 * Picks the first tag of `candidates` (most specific first) that `method` allows, else `E` (§2.7, §5.4).
 * `ER` exists only from 1.9.0 on.
 */
export function chooseErrorTag(
  method: ProxyRequestMethod,
  candidates: readonly ErrorTag[],
  supportsResourceUnavailable: boolean,
): ErrorTag {
  const allowed = ALLOWED_ERROR_TAGS[method];
  for (const tag of candidates) {
    if (tag === 'ER' && !supportsResourceUnavailable) continue;
    if (tag === 'E' || allowed.includes(tag)) return tag;
  }
  return 'E';
}
