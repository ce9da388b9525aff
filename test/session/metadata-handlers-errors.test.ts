/**
 * Metadata handlers beyond the §8.4 vectors: error tags and their downgrades (PROTOCOL.md §2.7,
 * §5.4), error classes from another copy of the package, thrown non-errors, hooks answering
 * garbage, hooks a provider lacks, and version-dependent replies (§5.3).
 */
import { describe, expect, it } from 'vitest';
import { UNREADABLE_MESSAGE } from '../../src/protocol/error-mapping.js';
import {
  AccessError,
  ConflictingSessionError,
  CreditsError,
  DataProviderError,
  FailureError,
  ItemsError,
  MetadataProviderError,
  NotificationError,
  ResourceUnavailableError,
  SchemaError,
  SubscribeError,
} from '../../src/sdk/errors.js';
import type { MetadataProviderLike } from '../../src/session/metadata-handlers.js';
import {
  argsOf,
  instrument,
  recordingLogger,
  serve,
  throwing,
  V183,
  VARIANTS,
} from './metadata-test-kit.js';

const LINES = {
  NUS: 'FAKEID|NUS|S|user|S|pw',
  NUA: 'FAKEID|NUA|S|user|S|pw|S|CN=client',
  GIS: 'FAKEID|GIS|S|user|S|a  b|S|S1',
  GSC: 'FAKEID|GSC|S|user|S|g|S| f1 f2 |S|S1',
  GIT: 'FAKEID|GIT|S|i',
  GUI: 'FAKEID|GUI|S|user|S|i',
  NUM: 'FAKEID|NUM|S|user|S|S1|S|hello',
  NNS: 'FAKEID|NNS|S|user|S|S1',
  NSC: 'FAKEID|NSC|S|S1',
  NNT: 'FAKEID|NNT|S|user|S|S1|I|1|M|M|S|g|S|DA|S|s|I|1|I|1|S|#|I|1|S|i',
  NTC: 'FAKEID|NTC|S|S1|I|1|M|M|S|g|S|DA|S|s|I|1|I|1|S|#|I|1|S|i|I|0',
  MDA: 'FAKEID|MDA|S|user|S|S1|P|G|S|app|S|tok',
  MSA: 'FAKEID|MSA|S|user|S|S1|I|1|M|M|S|g|S|DA|S|s|I|1|I|1|I|1|S|i|P|A|S|app|S|tok|S|#|S|{}',
  MDC: 'FAKEID|MDC|S|user|S|S1|P|A|S|app|S|tok|S|tok2',
} as const;
type Method = keyof typeof LINES;

/** The hook each request calls first (the one a test makes throw). */
const FIRST_HOOK: Record<Method, string> = {
  NUS: 'notifyUser',
  NUA: 'notifyUserWithPrincipal',
  GIS: 'getItems',
  GSC: 'getSchema',
  GIT: 'getDistinctSnapshotLength',
  GUI: 'getAllowedBufferSize',
  NUM: 'notifyUserMessage',
  NNS: 'notifyNewSession',
  NSC: 'notifySessionClose',
  NNT: 'notifyNewTables',
  NTC: 'notifyTablesClose',
  MDA: 'notifyMpnDeviceAccess',
  MSA: 'notifyMpnSubscriptionActivation',
  MDC: 'notifyMpnDeviceTokenChange',
};

const failWith = (method: Method, error: unknown) => ({ [FIRST_HOOK[method]]: throwing(error) });

describe.each(VARIANTS)('error replies, %s provider', (variant) => {
  const fail = async (method: Method, error: unknown, dialect?: typeof V183) =>
    serve(LINES[method], instrument(failWith(method, error), variant).provider, dialect);

  const cases: Array<[Method, () => unknown, string]> = [
    ['GIS', () => new ItemsError('m'), 'FAKEID|GIS|EI|m'],
    ['GIS', () => new SchemaError('m'), 'FAKEID|GIS|E|m'],
    ['GSC', () => new SchemaError('m'), 'FAKEID|GSC|ES|m'],
    ['NUS', () => new ConflictingSessionError('m', -3, 'c', 'S0'), 'FAKEID|NUS|EC|m|-3|c'],
    ['NUS', () => new ResourceUnavailableError('Busy'), 'FAKEID|NUS|ER|Busy'],
    ['NUA', () => new ResourceUnavailableError('Busy'), 'FAKEID|NUA|ER|Busy'],
    ['NUA', () => new AccessError('m'), 'FAKEID|NUA|EA|m'],
    ['NUA', () => new CreditsError('m', 0), 'FAKEID|NUA|EC|m|0|#'],
    ['NNS', () => new ResourceUnavailableError('m'), 'FAKEID|NNS|E|m'],
    ['NNS', () => new CreditsError('m', -1, 'c'), 'FAKEID|NNS|EC|m|-1|c'],
    ['GIT', () => new AccessError('m'), 'FAKEID|GIT|E|m'],
    ['GUI', () => new CreditsError('m', -1), 'FAKEID|GUI|E|m'],
    ['NUM', () => new NotificationError('m'), 'FAKEID|NUM|EN|m'],
    ['NUM', () => new CreditsError('m', -1, 'c'), 'FAKEID|NUM|EC|m|-1|c'],
    ['NSC', () => new CreditsError('m', -1), 'FAKEID|NSC|E|m'],
    ['NNT', () => new ConflictingSessionError('m', -2, null, 'S0'), 'FAKEID|NNT|EC|m|-2|#'],
    ['NNT', () => new NotificationError('m'), 'FAKEID|NNT|EN|m'],
    ['NTC', () => new CreditsError('m', -1), 'FAKEID|NTC|E|m'],
    ['MDA', () => new NotificationError('m'), 'FAKEID|MDA|EN|m'],
    ['MSA', () => new NotificationError('m'), 'FAKEID|MSA|EN|m'],
    ['MDC', () => new ItemsError('m'), 'FAKEID|MDC|E|m'],
    ['NUS', () => new MetadataProviderError('m'), 'FAKEID|NUS|E|m'],
    ['NUS', () => new DataProviderError('m'), 'FAKEID|NUS|E|m'],
    ['NSC', () => new SubscribeError('m'), 'FAKEID|NSC|E|m'],
    ['NSC', () => new FailureError('m'), 'FAKEID|NSC|E|m'],
  ];
  it.each(cases)('%s answers %s', async (method, error, expected) => {
    expect(await fail(method, error())).toBe(expected);
  });

  it('answers a resource-unavailable error with EA at 1.8.3, where ER does not exist', async () => {
    expect(await fail('NUS', new ResourceUnavailableError('Busy now'), V183)).toBe(
      'FAKEID|NUS|EA|Busy+now',
    );
  });

  it('answers thrown non-errors with E and String(value)', async () => {
    expect(await fail('NSC', 'plain text')).toBe('FAKEID|NSC|E|plain text');
    expect(await fail('NSC', 42)).toBe('FAKEID|NSC|E|42');
    expect(await fail('NSC', null)).toBe('FAKEID|NSC|E|null');
    expect(await fail('NSC', undefined)).toBe('FAKEID|NSC|E|undefined');
  });

  it('encodes the error message for the dialect', async () => {
    expect(await fail('NSC', new Error('a|b\nc%'))).toBe('FAKEID|NSC|E|a%7Cb%0Ac%25');
    expect(await fail('NSC', new Error('a|b c'), V183)).toBe('FAKEID|NSC|E|a%7Cb+c');
  });

  it('still answers when the thrown value cannot be read', async () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('no message for you');
      },
    });
    const logger = recordingLogger();
    const { provider } = instrument(failWith('NSC', hostile), variant);
    expect(await serve(LINES.NSC, provider, undefined, logger)).toBe(
      `FAKEID|NSC|E|${UNREADABLE_MESSAGE}`,
    );
    expect(logger.records.some(([level]) => level === 'warn')).toBe(true);
  });

  it('logs generic failures as warnings and typed refusals at debug level', async () => {
    const logger = recordingLogger();
    await serve(
      LINES.NSC,
      instrument(failWith('NSC', new Error('boom')), variant).provider,
      undefined,
      logger,
    );
    await serve(
      LINES.NUS,
      instrument(failWith('NUS', new AccessError('no')), variant).provider,
      undefined,
      logger,
    );
    expect(logger.records.map(([level]) => level)).toEqual(['warn', 'debug']);
  });
});

describe('error classes from another copy of the package', () => {
  it('maps a class named like ours that does not extend ours', async () => {
    class AccessError extends Error {}
    const { provider } = instrument(failWith('NUS', new AccessError('denied')), 'sync');
    expect(await serve(LINES.NUS, provider)).toBe('FAKEID|NUS|EA|denied');
  });

  it('maps a foreign credits hierarchy, with its extra fields', async () => {
    class CreditsError extends Error {
      constructor(
        message: string,
        readonly clientCode: number,
        readonly clientMessage: string | null,
      ) {
        super(message);
      }
    }
    class ConflictingSessionError extends CreditsError {
      constructor(
        message: string,
        code: number,
        clientMessage: string,
        readonly conflictingSessionId: string,
      ) {
        super(message, code, clientMessage);
      }
    }
    const error = new ConflictingSessionError('dup', -7, 'bye', 'S9');
    expect(await serve(LINES.NNS, instrument(failWith('NNS', error), 'sync').provider)).toBe(
      'FAKEID|NNS|EX|dup|-7|bye|S9',
    );
    expect(await serve(LINES.NUS, instrument(failWith('NUS', error), 'sync').provider)).toBe(
      'FAKEID|NUS|EC|dup|-7|bye',
    );
  });

  it("maps a class marked with Symbol.for('lsadapter.wireTags')", async () => {
    class Refusal extends Error {
      readonly clientCode = -4;
      readonly clientMessage = 'quota';
    }
    Object.defineProperty(Refusal.prototype, Symbol.for('lsadapter.wireTags'), {
      value: ['EC'],
    });
    const { provider } = instrument(failWith('NUM', new Refusal('over quota')), 'sync');
    expect(await serve(LINES.NUM, provider)).toBe('FAKEID|NUM|EC|over quota|-4|quota');
    const notMarked = instrument(
      failWith('NUM', new (class Refusal extends Error {})('x')),
      'sync',
    );
    expect(await serve(LINES.NUM, notMarked.provider)).toBe('FAKEID|NUM|E|x');
  });
});

describe.each(VARIANTS)('hooks answering garbage, %s provider', (variant) => {
  const answer = (method: Method, hooks: object) =>
    serve(LINES[method], instrument(hooks, variant).provider);
  const E = (method: Method, message: string) => `FAKEID|${method}|E|${message}`;
  const cases: Array<[Method, object, string]> = [
    ['GIS', { getItems: () => 'a b' }, `getItems returned "a b": expected an array of strings`],
    [
      'GIS',
      { getItems: () => ['ok', 3] },
      'getItems returned an array whose element 1 is 3: expected an array of strings',
    ],
    [
      'GSC',
      { getSchema: () => undefined },
      'getSchema returned undefined: expected an array of strings',
    ],
    [
      'GSC',
      { getSchema: () => ({ length: 0 }) },
      'getSchema returned an object: expected an array of strings',
    ],
    [
      'GIT',
      { getMinSourceFrequency: () => Number.NaN },
      'getMinSourceFrequency("i") returned NaN: expected a finite number >= 0',
    ],
    [
      'GIT',
      { getDistinctSnapshotLength: () => 1.5 },
      'getDistinctSnapshotLength("i") returned 1.5: expected a whole number from 0 to 2147483647',
    ],
    [
      'GIT',
      { modeMayBeAllowed: (_i: string, m: string) => (m === 'RAW' ? undefined : true) },
      'modeMayBeAllowed("i", "RAW") returned undefined: expected true or false',
    ],
    [
      'GUI',
      { getAllowedBufferSize: () => -1 },
      'getAllowedBufferSize("user", "i") returned -1: expected a whole number from 0 to 2147483647',
    ],
    [
      'GUI',
      { isModeAllowed: () => 1 },
      'isModeAllowed("user", "i", "RAW") returned 1: expected true or false',
    ],
    [
      'NUS',
      { getAllowedMaxBandwidth: () => Number.POSITIVE_INFINITY },
      'getAllowedMaxBandwidth("user") returned Infinity: expected a finite number >= 0',
    ],
    [
      'NUS',
      { wantsTablesNotification: () => 'yes' },
      'wantsTablesNotification("user") returned "yes": expected true or false',
    ],
    [
      'NNS',
      { getSessionTimeToLive: () => '3600' },
      'getSessionTimeToLive("user", "S1") returned "3600": expected a whole number of seconds (0 or less for none)',
    ],
    [
      'NNS',
      { getSessionTimeToLive: () => 1.5 },
      'getSessionTimeToLive("user", "S1") returned 1.5: expected a whole number of seconds (0 or less for none)',
    ],
    [
      'NNT',
      { enableTableUnsubscription: () => 1 },
      'enableTableUnsubscription returned 1: expected true or false',
    ],
    [
      'NNT',
      { wantsFinalTableStatistics: () => null },
      'wantsFinalTableStatistics returned null: expected true or false',
    ],
    ['GIS', { getItems: 42 }, 'getItems is 42, not a function'],
    ['NUS', { notifyUser: 'yes' }, 'notifyUser is "yes", not a function'],
  ];
  it.each(cases)('%s with %o', async (method, hooks, message) => {
    expect(await answer(method, hooks)).toBe(E(method, `The Metadata Adapter's ${message}`));
  });
});

describe.each(VARIANTS)('hooks a provider lacks behave as the defaults, %s provider', (variant) => {
  const empty = (): MetadataProviderLike => instrument({}, variant).provider;
  const cases: Array<[Method, string]> = [
    ['NUS', 'FAKEID|NUS|D|0|B|0'],
    ['NUA', 'FAKEID|NUA|D|0|B|0'],
    ['GIS', 'FAKEID|GIS|S|a|S|b'],
    ['GSC', 'FAKEID|GSC|S|f1|S|f2'],
    ['GIT', 'FAKEID|GIT|I|0|D|0|M|RMDC'],
    ['GUI', 'FAKEID|GUI|I|0|D|0|M|RMDC'],
    ['NUM', 'FAKEID|NUM|EC|Unsupported function|0|#'],
    ['NNS', 'FAKEID|NNS|V'],
    ['NSC', 'FAKEID|NSC|V'],
    ['NNT', 'FAKEID|NNT|V'],
    ['NTC', 'FAKEID|NTC|V'],
    ['MDA', 'FAKEID|MDA|V'],
    ['MSA', 'FAKEID|MSA|V'],
    ['MDC', 'FAKEID|MDC|V'],
  ];
  it.each(cases)('%s → %s', async (method, expected) => {
    expect(await serve(LINES[method], empty())).toBe(expected);
  });

  it('refuses user messages with the old encoding at 1.8.3', async () => {
    expect(await serve(LINES.NUM, empty(), V183)).toBe('FAKEID|NUM|EC|Unsupported+function|0|#');
  });

  it('serves NUA with notifyUser when notifyUserWithPrincipal is missing', async () => {
    const { provider, calls } = instrument({ notifyUser: () => {} }, variant);
    expect(await serve(`${LINES.NUA}|S|h|S|v`, provider)).toBe('FAKEID|NUA|D|0|B|0');
    const [user, password, headers] = argsOf(calls, 'notifyUser');
    expect([user, password, { ...(headers as object) }]).toEqual(['user', 'pw', { h: 'v' }]);
  });
});

describe.each(VARIANTS)('version-dependent replies, %s provider', (variant) => {
  it('answers NNS|V below 1.9.0 without asking for a time-to-live', async () => {
    const { provider, calls } = instrument({ getSessionTimeToLive: () => 3600 }, variant);
    expect(await serve(LINES.NNS, provider, V183)).toBe('FAKEID|NNS|V');
    expect(calls.map(([name]) => name)).not.toContain('getSessionTimeToLive');
  });

  it.each([0, -5, null, undefined])('answers NNS|V for a time-to-live of %s', async (ttl) => {
    const { provider } = instrument({ getSessionTimeToLive: () => ttl }, variant);
    expect(await serve(LINES.NNS, provider)).toBe('FAKEID|NNS|V');
  });

  it('answers NNT|V below 1.9.0 without asking for table flags', async () => {
    const hooks = { enableTableUnsubscription: () => true, wantsFinalTableStatistics: () => true };
    const line = 'FAKEID|NNT|S|user|S|S1|I|1|M|M|S|g|S|s|I|1|I|1|S|#';
    const { provider, calls } = instrument(hooks, variant);
    expect(await serve(line, provider, V183)).toBe('FAKEID|NNT|V');
    expect(calls).toEqual([]);
  });

  it('does not enable unsubscription of a multi-table NNT', async () => {
    const hooks = { enableTableUnsubscription: () => true, wantsFinalTableStatistics: () => true };
    const table = 'I|1|M|M|S|g|S|DA|S|s|I|1|I|1|S|#|I|1|S|i';
    const { provider, calls } = instrument(hooks, variant);
    expect(await serve(`FAKEID|NNT|S|user|S|S1|${table}|${table}`, provider)).toBe(
      'FAKEID|NNT|B|0|B|1',
    );
    expect(calls.map(([name]) => name)).toEqual(['wantsFinalTableStatistics']);
  });
});

describe('what the provider receives', () => {
  it('gets headers as a prototype-less object where any name is a plain key', async () => {
    const line = 'FAKEID|NUS|S|u|S|p|S|__proto__|S|x|S|constructor|S|y|S|h|S|#|S|h2|S|1|S|h2|S|2';
    const { provider, calls } = instrument({ notifyUser: () => {} }, 'sync');
    await serve(line, provider);
    const headers = argsOf(calls, 'notifyUser')[2] as Record<string, string | null>;
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(Object.entries(headers)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['h', null],
      ['h2', '2'],
    ]);
  });

  it('gets item names encoded for the dialect back on the wire', async () => {
    const { provider } = instrument({ getItems: () => ['a|b', 'c d', '#', ''] }, 'sync');
    expect(await serve(LINES.GIS, provider)).toBe('FAKEID|GIS|S|a%7Cb|S|c d|S|%23|S|$');
    expect(await serve(LINES.GIS, provider, V183)).toBe('FAKEID|GIS|S|a%7Cb|S|c+d|S|%23|S|$');
  });
});
