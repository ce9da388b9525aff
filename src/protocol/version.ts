/**
 * ARI protocol versions and the negotiation rules of lsadapter (PROTOCOL.md §3.4, canonical table).
 */

/** A protocol version lsadapter can speak. */
export type ProtocolVersion = '1.8.0' | '1.8.2' | '1.8.3' | '1.9.0' | '1.9.1';

/** The highest version lsadapter speaks. */
export const MAX_PROTOCOL_VERSION: ProtocolVersion = '1.9.1';

/** What the codec needs to know about a negotiated version. */
export interface Dialect {
  /** The negotiated version. */
  readonly version: ProtocolVersion;
  /** Smart encoding for non-handshake messages (1.9.0+), else the old encoding everywhere (§2.5). */
  readonly smart: boolean;
  /** 1.9.0+ table layouts, DFD, NNS TTL, NNT flags, FST/FUS, ER (§7). */
  readonly v190: boolean;
}

const DIALECTS: Record<ProtocolVersion, Dialect> = {
  '1.8.0': { version: '1.8.0', smart: false, v190: false },
  '1.8.2': { version: '1.8.2', smart: false, v190: false },
  '1.8.3': { version: '1.8.3', smart: false, v190: false },
  '1.9.0': { version: '1.9.0', smart: true, v190: true },
  '1.9.1': { version: '1.9.1', smart: true, v190: true },
};

/** The codec settings of a version. */
export function dialectOf(version: ProtocolVersion): Dialect {
  return DIALECTS[version];
}

/** Outcome of version negotiation. */
export type Negotiation =
  | { readonly ok: true; readonly version: ProtocolVersion; readonly replyWithVersion: boolean }
  | { readonly ok: false; readonly message: string };

/** Which side of the negotiation table applies (§3.4). */
export type AdapterRole = 'metadata' | 'data-single' | 'data-two-connections';

/** Compares dotted versions numerically, component by component; unparsable → +1 (treated as higher). */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa === null) return pb === null ? 0 : 1;
  if (pb === null) return -1;
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function parseVersion(v: string): number[] | null {
  if (!/^\d+(\.\d+)*$/.test(v)) return null;
  return v.split('.').map(Number);
}

/**
 * Chooses the version to speak given the Proxy's offer (`null` when `ARI.version` is absent).
 * Applies the checks in the order PROTOCOL.md §3.4 gives.
 */
export function negotiateVersion(offered: string | null, role: AdapterRole): Negotiation {
  if (offered === '1.8.0') {
    return { ok: false, message: 'Unexpected protocol version number: 1.8.0' };
  }
  if (offered === '1.8.1') {
    return { ok: false, message: 'Unsupported reserved protocol version number: 1.8.1' };
  }
  if (role === 'data-single' && (offered === null || compareVersions(offered, '1.9.1') < 0)) {
    return { ok: false, message: 'Unsupported Proxy Adapter version' };
  }
  if (offered === null) return { ok: true, version: '1.8.0', replyWithVersion: false };
  if (compareVersions(offered, '1.8.2') === 0) {
    return { ok: true, version: '1.8.2', replyWithVersion: true };
  }
  if (compareVersions(offered, '1.9.0') < 0) {
    // Anything below 1.8.2 other than 1.8.0/1.8.1 (e.g. "1.7") is not a published version.
    if (compareVersions(offered, '1.8.2') < 0) {
      return { ok: false, message: `Unsupported protocol version number: ${offered}` };
    }
    return { ok: true, version: '1.8.3', replyWithVersion: true };
  }
  if (compareVersions(offered, '1.9.0') === 0) {
    return { ok: true, version: '1.9.0', replyWithVersion: true };
  }
  return { ok: true, version: '1.9.1', replyWithVersion: true };
}
