/**
 * The Proxy's side of the handshake (PROTOCOL.md §3), as pure functions: credentials check,
 * whether a CLOSE may be sent, and what an init reply negotiates.
 */
import {
  compareVersions,
  type Dialect,
  dialectOf,
  type Pairs,
  type ProtocolVersion,
} from '../protocol/index.js';
import type { InitReply } from './types.js';

const KNOWN_VERSIONS: readonly ProtocolVersion[] = ['1.8.0', '1.8.2', '1.8.3', '1.9.0', '1.9.1'];

/** The value of the first pair named `name`; undefined when absent. */
export function paramValue(params: Pairs, name: string): string | null | undefined {
  return params.find(([key]) => key === name)?.[1];
}

/** Whether a `RAC` carries the expected credentials (any credentials when none are expected). */
export function credentialsAccepted(
  params: Pairs,
  expected: { user: string; password: string } | undefined,
): boolean {
  if (expected === undefined) return true;
  return (
    paramValue(params, 'user') === expected.user &&
    paramValue(params, 'password') === expected.password
  );
}

/**
 * Whether the Proxy announces a closure with `CLOSE` (§3.2, §6.2): only a Proxy of 1.8.3 or later
 * has it. Before the version is negotiated it sends one only when the `RAC` asked for it with
 * `enableClosePacket=true`; afterwards whenever the negotiated version has it (1.8.3+).
 */
export function closePacketAllowed(
  rac: Pairs | undefined,
  offered: string | null,
  negotiated: ProtocolVersion | undefined,
): boolean {
  if (offered === null || compareVersions(offered, '1.8.3') < 0) return false;
  if (negotiated !== undefined) return compareVersions(negotiated, '1.8.3') >= 0;
  return rac !== undefined && paramValue(rac, 'enableClosePacket') === 'true';
}

/** The dialect assumed before the init reply: what a conforming Remote would answer (§3.4). */
export function provisionalDialect(offered: string | null): Dialect {
  if (offered === null) return dialectOf('1.8.0');
  if (compareVersions(offered, '1.9.1') >= 0) return dialectOf('1.9.1');
  if (compareVersions(offered, '1.9.0') >= 0) return dialectOf('1.9.0');
  if (compareVersions(offered, '1.8.2') === 0) return dialectOf('1.8.2');
  return dialectOf('1.8.3');
}

/** What an init reply negotiated. */
export interface InitOutcome {
  /** The dialect to speak from now on; null when the Remote refused the init. */
  dialect: Dialect | null;
  /** A protocol problem with the reply (a `bad-version` violation), or null. */
  problem: string | null;
}

/** Evaluates an init reply against the offered version. */
export function evaluateInitReply(reply: InitReply, offered: string | null): InitOutcome {
  if (reply.error !== undefined) return { dialect: null, problem: null };
  if (reply.params === null) {
    const problem =
      offered === null
        ? null
        : `the init reply is V (protocol 1.8.0) although ${offered} was offered: answer S|ARI.version|S|<version>`;
    return { dialect: dialectOf('1.8.0'), problem };
  }
  const answered = paramValue(reply.params, 'ARI.version');
  if (offered === null) {
    return {
      dialect: dialectOf('1.8.0'),
      problem: `no version was offered (a 1.8.0 Proxy), so the init reply must be V, not ${reply.params.length > 0 ? 'parameters' : 'empty'}`,
    };
  }
  if (answered === undefined || answered === null) {
    return { dialect: provisionalDialect(offered), problem: 'the init reply lacks ARI.version' };
  }
  const known = KNOWN_VERSIONS.find((v) => v === answered);
  if (known === undefined) {
    return {
      dialect: provisionalDialect(offered),
      problem: `the init reply names version ${answered}, which does not exist (use one of ${KNOWN_VERSIONS.join(', ')})`,
    };
  }
  if (compareVersions(known, offered) > 0) {
    return {
      dialect: dialectOf(known),
      problem: `the init reply names version ${known}, above the offered ${offered}`,
    };
  }
  return { dialect: dialectOf(known), problem: null };
}
