/**
 * Checks the simulator applies to what the Remote writes (PROTOCOL.md §1.2, §1.3, §1.5, §2.7,
 * §5.3), and the making of violations from findings. Pure: a message and its context in,
 * findings out.
 */
import {
  ALLOWED_ERROR_TAGS,
  type ControlRequest,
  type DataNotification,
  type Dialect,
  METADATA_FAILURE_ID,
  type ProxyRequest,
  type RemoteReply,
} from '../protocol/index.js';
import type { FramingProblem } from './line-framer.js';
import { describeRequest, type Settlement } from './pending-requests.js';
import type { Channel, SimulatorKind, Violation, ViolationCode } from './types.js';

/** Where and when a line arrived. */
export interface InboundContext {
  kind: SimulatorKind;
  channel: Channel;
  /** The init reply was received and accepted. */
  initialized: boolean;
  dialect: Dialect;
}

/** One problem found. */
export interface Finding {
  code: ViolationCode;
  message: string;
}

const DIGITS = /^[0-9]+$/;

/** Checks a notification's connection, timing, id and version; the subscription id is checked apart. */
export function checkNotification(n: DataNotification, ctx: InboundContext): Finding[] {
  const findings: Finding[] = [];
  if (ctx.kind === 'metadata') {
    if (n.method !== 'FAL') {
      return [
        {
          code: 'notification-on-wrong-connection',
          message: `${n.method} on a Metadata Adapter connection`,
        },
      ];
    }
    if (n.id !== METADATA_FAILURE_ID) {
      findings.push({
        code: 'bad-failure-id',
        message: `a Metadata Adapter's FAL must carry id 2, not "${n.id}"`,
      });
    }
    return findings;
  }
  if (ctx.kind === 'data-two-connections' && ctx.channel !== 'notify') {
    findings.push({
      code: 'notification-on-wrong-connection',
      message: `${n.method} on the request/reply connection: in two-connection mode notifications go to the notify connection`,
    });
  }
  if (!DIGITS.test(n.id)) {
    findings.push({
      code: 'bad-notification-id',
      message: `the id token of a ${n.method} must be digits (a timestamp), not "${n.id}"`,
    });
  }
  if (!ctx.initialized && n.method !== 'FAL') {
    findings.push({
      code: 'notification-before-init',
      message: `${n.method} before the init completed`,
    });
  }
  if (n.method === 'DFD' && !ctx.dialect.v190) {
    findings.push({
      code: 'unsupported-in-version',
      message: `DFD does not exist in protocol ${ctx.dialect.version} (1.9.0+)`,
    });
  }
  return findings;
}

/** Checks that a reply arrived where replies travel. */
export function checkReplyChannel(reply: RemoteReply, ctx: InboundContext): Finding[] {
  if (ctx.channel !== 'notify') return [];
  return [
    {
      code: 'reply-on-notify-connection',
      message: `${reply.method} reply on the notify connection`,
    },
  ];
}

/** Checks that an error reply's tag is one its request allows (§2.7; `ER` only from 1.9.0). */
export function checkErrorTag(
  request: ProxyRequest,
  reply: RemoteReply,
  dialect: Dialect,
): Finding[] {
  const tag = reply.error?.tag;
  if (tag === undefined || tag === 'E') return [];
  const allowed = ALLOWED_ERROR_TAGS[request.method];
  if (allowed.includes(tag) && (tag !== 'ER' || dialect.v190)) return [];
  return [
    {
      code: 'forbidden-error-tag',
      message: `${tag} is not allowed in a ${request.method} reply${tag === 'ER' ? ` at protocol ${dialect.version}` : ''} (allowed: E${allowed.length > 0 ? `, ${allowed.join(', ')}` : ''})`,
    },
  ];
}

/** Checks that an `FST`/`FUS` may be sent here (metadata connection, 1.9.0+). */
export function checkControlRequest(request: ControlRequest, ctx: InboundContext): Finding[] {
  if (ctx.channel === 'notify') {
    return [
      { code: 'reply-on-notify-connection', message: `${request.method} on the notify connection` },
    ];
  }
  if (ctx.kind !== 'metadata') {
    return [
      {
        code: 'unexpected-control-request',
        message: `${request.method} on a Data Adapter connection`,
      },
    ];
  }
  if (!ctx.initialized) {
    return [
      {
        code: 'unexpected-control-request',
        message: `${request.method} before the init completed`,
      },
    ];
  }
  if (!ctx.dialect.v190) {
    return [
      {
        code: 'unsupported-in-version',
        message: `${request.method} does not exist in protocol ${ctx.dialect.version} (1.9.0+)`,
      },
    ];
  }
  return [];
}

const FRAMING_MESSAGES: Record<FramingProblem, string> = {
  bom: 'the stream starts with a UTF-8 BOM; never write one',
  'empty-line': 'an empty line',
  'bad-terminator': 'a line ends with more than one CR',
  'line-too-long': 'a line longer than maxLineBytes (dropped)',
  'invalid-utf8': 'a line that is not valid UTF-8',
};

/** The finding for a framing problem. */
export function framingFinding(problem: FramingProblem): Finding {
  return { code: problem, message: FRAMING_MESSAGES[problem] };
}

/** The finding for a reply that matched no pending request (or not its method). */
export function unmatchedReply(
  settled: Exclude<Settlement, { outcome: 'matched' }>,
  reply: RemoteReply,
): Finding {
  const what = `a ${reply.method} reply`;
  switch (settled.outcome) {
    case 'unknown-id':
      return {
        code: 'unknown-reply-id',
        message: `${what} with id "${reply.id}", which no pending request has`,
      };
    case 'late-reply':
      return { code: 'late-reply', message: `${what} to ${reply.id} after the request timed out` };
    case 'method-mismatch':
      return {
        code: 'reply-method-mismatch',
        message: `the reply to ${describeRequest(settled.request)} names method ${reply.method}`,
      };
  }
}

const WARNINGS: ReadonlySet<ViolationCode> = new Set(['lf-terminator', 'empty-line']);

/** Where a finding was made. */
export interface FindingOrigin {
  seq: number;
  connectionId: number;
  channel: Channel;
  /** The offending line ('' for none). */
  line: string;
}

/** Turns a finding into a recorded {@link Violation} (a warning for tolerated deviations). */
export function toViolation(finding: Finding, origin: FindingOrigin): Violation {
  const { line } = origin;
  return {
    seq: origin.seq,
    code: finding.code,
    severity: WARNINGS.has(finding.code) ? 'warning' : 'violation',
    message: finding.message,
    at: Date.now(),
    connectionId: origin.connectionId,
    channel: origin.channel,
    ...(line === '' ? {} : { line: line.length > 200 ? `${line.slice(0, 200)}…` : line }),
  };
}
