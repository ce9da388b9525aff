/**
 * Checks the simulator applies to what the Remote writes (PROTOCOL.md §1.2, §1.3, §1.5, §2.7,
 * §5.1, §5.3), and the making of violations from findings. Pure: a message and its context in,
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
      message: `the id token of a ${n.method} is "${n.id}": the Proxy ignores it, but the SDKs write a timestamp (digits)`,
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

/**
 * Checks that a reply's content fits its request: one `GIT`/`GUI` entry per requested item
 * (§5.1), and the Java-only `NNS|I|…` / `NNT|B|…` replies only from 1.9.0 (§5.3).
 */
export function checkReplyContent(
  request: ProxyRequest,
  reply: RemoteReply,
  line: string,
  dialect: Dialect,
): Finding[] {
  if (reply.error !== undefined) return [];
  if ((request.method === 'GIT' || request.method === 'GUI') && 'itemData' in reply) {
    const got = reply.itemData?.length ?? 0;
    if (got === request.items.length) return [];
    return [
      {
        code: 'bad-reply',
        message: `the ${request.method} reply has ${got} item entries for the ${request.items.length} items requested (one I|D|M triple per item, in order)`,
      },
    ];
  }
  const form = line.split('|')[2];
  const extension =
    (reply.method === 'NNS' && form === 'I') || (reply.method === 'NNT' && form === 'B');
  if (!extension || dialect.v190) return [];
  return [
    {
      code: 'unsupported-in-version',
      message: `the ${reply.method}|${form}|… reply exists from protocol 1.9.0 on; at ${dialect.version} answer ${reply.method}|V`,
    },
  ];
}

const RESERVED_IDS: ReadonlySet<string> = new Set(['0', '1', '2']);

/** Checks that an `FST`/`FUS` may be sent here (metadata connection, 1.9.0+, a usable id). */
export function checkControlRequest(
  request: ControlRequest,
  ctx: InboundContext,
  pendingIds: ReadonlySet<string>,
): Finding[] {
  const found = checkControlPlace(request, ctx);
  if (found.length > 0) return found;
  if (RESERVED_IDS.has(request.id)) {
    const message = `${request.method} with the reserved id ${request.id} (0, 1 and 2 are CLOSE, RAC and FAL)`;
    return [{ code: 'bad-control-request-id', message }];
  }
  if (pendingIds.has(request.id)) {
    const message = `${request.method} with id ${request.id}, which an earlier request still awaiting its answer has`;
    return [{ code: 'bad-control-request-id', message }];
  }
  return [];
}

function checkControlPlace(request: ControlRequest, ctx: InboundContext): Finding[] {
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

const WARNINGS: ReadonlySet<ViolationCode> = new Set([
  'lf-terminator',
  'empty-line',
  'trailing-separator',
  'bad-notification-id',
]);

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
