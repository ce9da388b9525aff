/**
 * PROTOCOL.md §8.4 (metadata vectors V39–V57) over a real MetadataProviderServer and a raw fake
 * Proxy, at 1.9.1 and at 1.8.3, with hooks answering synchronously and asynchronously. The 1.9.1
 * lines are the document's; the 1.8.3 lines are the same requests written by hand in the
 * backward-compatible encoding (§2.4: space → `+`, everything else escaped) and 1.8.x table layouts
 * (§5.2). Also: the error-tag downgrades of §2.7/§5.4 and the message of thrown non-errors (SPEC §3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessError,
  ConflictingSessionError,
  CreditsError,
  ItemsError,
  MetadataProviderError,
  NotificationError,
  ResourceUnavailableError,
  SchemaError,
  SubscribeError,
} from '../../src/sdk/errors.js';
import { MetadataProvider, type Mode } from '../../src/sdk/metadata-provider.js';
import { MetadataProviderServer } from '../../src/sdk/metadata-provider-server.js';
import type { RawConnection } from '../helpers/raw-proxy.js';
import { expectLines, handshake, TestBed } from './harness.js';

type Hook = (...args: never[]) => unknown;
type Script = Record<string, Hook>;
type Variant = 'sync' | 'async';

/**
 * A metadata provider whose hooks the test sets before each request (`script`); a hook not in the
 * script is absent, so the server's documented default answers. Every call is recorded.
 */
class ScriptedProvider {
  script: Script = {};
  readonly calls: Array<[name: string, args: unknown[]]> = [];
  readonly provider: object;

  constructor(variant: Variant) {
    this.provider = new Proxy(
      {},
      {
        get: (_target, name) => {
          const hook = typeof name === 'string' ? this.script[name] : undefined;
          if (hook === undefined) return undefined;
          return (...args: never[]) => {
            this.calls.push([name as string, args]);
            if (variant === 'sync') return hook(...args);
            return new Promise((resolve) => setImmediate(resolve)).then(() => hook(...args));
          };
        },
      },
    );
  }

  /** The arguments of the only recorded call of `name`, as plain JSON values. */
  argsOf(name: string): unknown {
    const found = this.calls.filter(([called]) => called === name);
    if (found.length !== 1) throw new Error(`${name} was called ${found.length} times`);
    return JSON.parse(JSON.stringify(found[0]?.[1]));
  }
}

const fail =
  (error: unknown): Hook =>
  () => {
    throw error;
  };
const modes =
  (table: Record<string, Mode[]>): Hook =>
  (...args: never[]) => {
    const [item, mode] = args as unknown as [string, Mode];
    return table[item]?.includes(mode) ?? false;
  };
const byItem =
  (table: Record<string, number>): Hook =>
  (...args: never[]) =>
    table[args[0] as unknown as string] ?? 0;
const byUserItem =
  (table: Record<string, number>): Hook =>
  (...args: never[]) =>
    table[args[1] as unknown as string] ?? 0;
const credits = new CreditsError('An error', -2, 'Message for the client');
const HEADERS_DECODED = {
  'header \r': 'value 𩥪',
  'header $': '#',
  'header +': 'value Ȭ',
  'header |': 'value €',
};
const MPN_FORMAT = '{"aps":{"alert":"${message}","badge":"AUTO"},"acme2":["${tag1}","${tag2}"]}';
const MPN_FORMAT_ENCODED =
  '%7B%22aps%22%3A%7B%22alert%22%3A%22%24%7Bmessage%7D%22%2C%22badge%22%3A%22AUTO%22%7D%2C%22acme2%22%3A%5B%22%24%7Btag1%7D%22%2C%22%24%7Btag2%7D%22%5D%7D';

/** One request: the script in force, the literal IN line, the literal OUT line, optional checks. */
interface Case {
  name: string;
  script: Script;
  in: string;
  out: string;
  /** Expected arguments of one hook call, compared as JSON. */
  args?: [hook: string, expected: unknown];
  /** Hooks that must not have been called. */
  notCalled?: string[];
}

/** Cases that read the same at both versions (no character the two encodings treat differently). */
function commonCases(v: '1.9.1' | '1.8.3'): Case[] {
  const old = v === '1.8.3';
  const sp = (text: string) => (old ? text.replace(/ /g, '+') : text);
  return [
    {
      name: 'V39 GIT',
      script: {
        modeMayBeAllowed: modes({
          'An Item Name1': ['RAW', 'MERGE'],
          'An Item Name2': ['DISTINCT'],
        }),
        getDistinctSnapshotLength: byItem({ 'An Item Name1': 10, 'An Item Name2': 5 }),
        getMinSourceFrequency: byItem({ 'An Item Name1': 0.5 }),
      },
      in: sp('FAKEID|GIT|S|An Item Name1|S|An Item Name2'),
      out: 'FAKEID|GIT|I|10|D|0.5|M|RM|I|5|D|0|M|D',
    },
    {
      name: 'V39 GIT error',
      script: { getDistinctSnapshotLength: fail(new Error('An error')) },
      in: sp('FAKEID|GIT|S|An Item Name1|S|An Item Name2'),
      out: sp('FAKEID|GIT|E|An error'),
    },
    {
      name: 'V40 GIT no items',
      script: {},
      in: '70000010c3e4d0462|GIT',
      out: '70000010c3e4d0462|GIT',
    },
    {
      name: 'V40 GIT empty mode set',
      script: {
        modeMayBeAllowed: modes({
          item_1: ['MERGE', 'DISTINCT'],
          item_2: ['RAW', 'MERGE', 'COMMAND'],
        }),
        getDistinctSnapshotLength: byItem({ item_1: 10, item_2: 20 }),
        getMinSourceFrequency: byItem({ item_1: 4.5, item_2: 7.3 }),
      },
      in: '70000010c3e4d0462|GIT|S|item_1|S|item_2|S|item_3',
      out: '70000010c3e4d0462|GIT|I|10|D|4.5|M|MD|I|20|D|7.3|M|RMC|I|0|D|0|M|$',
    },
    {
      name: 'V41 GUI',
      script: {
        isModeAllowed: (...args: never[]) =>
          (args[1] as unknown as string) === 'item 1' || (args[2] as unknown as Mode) === 'MERGE',
        getAllowedBufferSize: byUserItem({ 'item 1': 30, 'item 2': 40 }),
        getAllowedMaxItemFrequency: byUserItem({ 'item 1': 3, 'item 2': 2.25 }),
      },
      in: sp('FAKEID|GUI|S|user|S|item 1|S|item 2'),
      out: 'FAKEID|GUI|I|30|D|3|M|RMDC|I|40|D|2.25|M|M',
    },
    {
      name: 'V41 GUI no items',
      script: {},
      in: '70000010c3e4d0462|GUI|S|user1',
      out: '70000010c3e4d0462|GUI',
    },
    {
      name: 'V42 GSC',
      script: { getSchema: () => ['Field 1', 'Field 2'] },
      in: 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID',
      out: sp('FAKEID|GSC|S|Field 1|S|Field 2'),
      args: ['getSchema', ['user', 'FAKESESSID', 'group', 'schema']],
    },
    {
      name: 'V42 GSC items error',
      script: { getSchema: fail(new ItemsError('A Message')) },
      in: 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID',
      out: sp('FAKEID|GSC|EI|A Message'),
    },
    {
      name: 'V42 GSC schema error',
      script: { getSchema: fail(new SchemaError('A Message')) },
      in: 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID',
      out: sp('FAKEID|GSC|ES|A Message'),
    },
    {
      name: 'V42 GSC other error',
      script: { getSchema: fail(new Error('A Message')) },
      in: 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID',
      out: sp('FAKEID|GSC|E|A Message'),
    },
    {
      name: 'V43 GIS',
      script: { getItems: () => ['Item 1', 'Item 2'] },
      in: 'FAKEID|GIS|S|user|S|group|S|FAKESESSID',
      out: sp('FAKEID|GIS|S|Item 1|S|Item 2'),
      args: ['getItems', ['user', 'FAKESESSID', 'group']],
    },
    {
      name: 'V43 GIS error',
      script: { getItems: fail(new Error('A Message')) },
      in: 'FAKEID|GIS|S|user|S|group|S|FAKESESSID',
      out: sp('FAKEID|GIS|E|A Message'),
    },
    {
      name: 'V43 GIS no items',
      script: { getItems: () => [] },
      in: 'FAKEID|GIS|S|user|S|group|S|FAKESESSID',
      out: 'FAKEID|GIS',
    },
    {
      name: 'V44 NUS',
      script: {
        notifyUser: () => undefined,
        getAllowedMaxBandwidth: () => 12.34,
        wantsTablesNotification: () => true,
      },
      in: sp(
        'FAKEID|NUS|S|user|S|password|S|header1|S|value 1|S|header2|S|value 2|S|REQUEST_ID|S|FAKEREQID',
      ),
      out: 'FAKEID|NUS|D|12.34|B|1',
      args: [
        'notifyUser',
        ['user', 'password', { header1: 'value 1', header2: 'value 2', REQUEST_ID: 'FAKEREQID' }],
      ],
    },
    {
      name: 'V44 NUS default adapter',
      script: {},
      in: 'FAKEID|NUS|S|user|S|password|S|REQUEST_ID|S|FAKEREQID',
      out: 'FAKEID|NUS|D|0|B|0',
    },
    {
      name: 'V45 NUS other error',
      script: { notifyUser: fail(new Error('An error')) },
      in: 'FAKEID|NUS|S|user|S|password',
      out: sp('FAKEID|NUS|E|An error'),
    },
    {
      name: 'V45 NUS access error',
      script: { notifyUser: fail(new AccessError('An error')) },
      in: 'FAKEID|NUS|S|user|S|password',
      out: sp('FAKEID|NUS|EA|An error'),
    },
    {
      name: 'V45 NUS credits error',
      script: { notifyUser: fail(new CreditsError('A Message', -1, 'Message for client')) },
      in: 'FAKEID|NUS|S|user|S|password',
      out: sp('FAKEID|NUS|EC|A Message|-1|Message for client'),
    },
    {
      name: 'V47 NUA',
      script: {
        notifyUserWithPrincipal: () => undefined,
        getAllowedMaxBandwidth: () => 12.34,
        wantsTablesNotification: () => true,
      },
      in: sp('FAKEID|NUA|S|user|S|password|S|principal|S|header1|S|value 1|S|header2|S|value 2'),
      out: 'FAKEID|NUA|D|12.34|B|1',
      args: [
        'notifyUserWithPrincipal',
        ['user', 'password', { header1: 'value 1', header2: 'value 2' }, 'principal'],
      ],
    },
    {
      name: 'V47 NUA error',
      script: { notifyUserWithPrincipal: fail(new Error('An error')) },
      in: 'FAKEID|NUA|S|user|S|password|S|principal',
      out: sp('FAKEID|NUA|E|An error'),
    },
    {
      name: 'V48 NUM',
      script: { notifyUserMessage: () => undefined },
      in: sp('FAKEID|NUM|S|user|S|FAKESESSID|S|This is a message'),
      out: 'FAKEID|NUM|V',
      args: ['notifyUserMessage', ['user', 'FAKESESSID', 'This is a message']],
    },
    {
      name: 'V48 NUM error',
      script: { notifyUserMessage: fail(new Error('An error')) },
      in: 'FAKEID|NUM|S|user|S|FAKESESSID|S|m',
      out: sp('FAKEID|NUM|E|An error'),
    },
    {
      name: 'V48 NUM default (refused, §5.4)',
      script: {},
      in: 'FAKEID|NUM|S|user|S|FAKESESSID|S|m',
      out: sp('FAKEID|NUM|EC|Unsupported function|0|#'),
    },
    {
      name: 'V49 NNS',
      script: { notifyNewSession: () => undefined },
      in: 'FAKEID|NNS|S|user|S|FAKESESSID|S|prop1|S|val1|S|prop2|S|val2',
      out: 'FAKEID|NNS|V',
      args: ['notifyNewSession', ['user', 'FAKESESSID', { prop1: 'val1', prop2: 'val2' }]],
    },
    {
      name: 'V49 NNS other error',
      script: { notifyNewSession: fail(new Error('An error')) },
      in: 'FAKEID|NNS|S|user|S|FAKESESSID',
      out: sp('FAKEID|NNS|E|An error'),
    },
    {
      name: 'V49 NNS notification error',
      script: { notifyNewSession: fail(new NotificationError('A Message')) },
      in: 'FAKEID|NNS|S|user|S|FAKESESSID',
      out: sp('FAKEID|NNS|EN|A Message'),
    },
    {
      name: 'V49 NNS conflicting session',
      script: {
        notifyNewSession: fail(
          new ConflictingSessionError('A Message', -1, 'Message for client', 'SXXXXXXXXXXXXXXXXX'),
        ),
      },
      in: 'FAKEID|NNS|S|user|S|FAKESESSID',
      out: sp('FAKEID|NNS|EX|A Message|-1|Message for client|SXXXXXXXXXXXXXXXXX'),
    },
    {
      name: 'V50 NSC',
      script: { notifySessionClose: () => undefined },
      in: 'FAKEID|NSC|S|FAKESESSID',
      out: 'FAKEID|NSC|V',
      args: ['notifySessionClose', ['FAKESESSID']],
    },
    {
      name: 'V50 NSC error',
      script: { notifySessionClose: fail(new Error('An error')) },
      in: 'FAKEID|NSC|S|FAKESESSID',
      out: sp('FAKEID|NSC|E|An error'),
    },
    {
      name: 'V54 MDA',
      script: { notifyMpnDeviceAccess: () => undefined },
      in: 'FAKEID|MDA|S|user|S|FAKESESSID|P|A|S|appID|S|deviceToken',
      out: 'FAKEID|MDA|V',
      args: [
        'notifyMpnDeviceAccess',
        [
          'user',
          'FAKESESSID',
          { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
        ],
      ],
    },
    {
      name: 'V54 MDA credits error',
      script: { notifyMpnDeviceAccess: fail(credits) },
      in: 'FAKEID|MDA|S|user|S|FAKESESSID|P|A|S|appID|S|deviceToken',
      out: sp('FAKEID|MDA|EC|An error|-2|Message for the client'),
    },
    {
      name: 'V54 MDC',
      script: { notifyMpnDeviceTokenChange: () => undefined },
      in: 'FAKEID|MDC|S|user|S|FAKESESSID|P|G|S|appID|S|deviceToken|S|deviceToken2',
      out: 'FAKEID|MDC|V',
      args: [
        'notifyMpnDeviceTokenChange',
        [
          'user',
          'FAKESESSID',
          { platform: 'Google', applicationId: 'appID', deviceToken: 'deviceToken' },
          'deviceToken2',
        ],
      ],
    },
    {
      name: 'V54 MDC credits error',
      script: { notifyMpnDeviceTokenChange: fail(credits) },
      in: 'FAKEID|MDC|S|user|S|FAKESESSID|P|G|S|appID|S|deviceToken|S|deviceToken2',
      out: sp('FAKEID|MDC|EC|An error|-2|Message for the client'),
    },
    // §2.7 / §5.4: a typed error the method does not allow becomes E, or its superclass's tag.
    {
      name: 'downgrade: items error on NUS → E',
      script: { notifyUser: fail(new ItemsError('x')) },
      in: 'FAKEID|NUS|S|user|S|password',
      out: 'FAKEID|NUS|E|x',
    },
    {
      name: 'downgrade: conflicting session on NUS → EC',
      script: { notifyUser: fail(new ConflictingSessionError('x', -3, 'c', 'S2')) },
      in: 'FAKEID|NUS|S|user|S|password',
      out: 'FAKEID|NUS|EC|x|-3|c',
    },
    {
      name: 'downgrade: conflicting session on NUM → EC',
      script: { notifyUserMessage: fail(new ConflictingSessionError('x', 0, null, 'S2')) },
      in: 'FAKEID|NUM|S|user|S|S1|S|m',
      out: 'FAKEID|NUM|EC|x|0|#',
    },
    {
      name: 'downgrade: access error on GIT → E',
      script: { getMinSourceFrequency: fail(new AccessError('x')) },
      in: 'FAKEID|GIT|S|item',
      out: 'FAKEID|GIT|E|x',
    },
    {
      name: 'downgrade: notification error on GUI → E',
      script: { getAllowedBufferSize: fail(new NotificationError('x')) },
      in: 'FAKEID|GUI|S|user|S|item',
      out: 'FAKEID|GUI|E|x',
    },
    {
      name: 'downgrade: schema error on GIS → E',
      script: { getItems: fail(new SchemaError('x')) },
      in: 'FAKEID|GIS|S|user|S|group|S|S1',
      out: 'FAKEID|GIS|E|x',
    },
    {
      name: 'downgrade: credits error on NSC → E',
      script: { notifySessionClose: fail(new CreditsError('x', -1, 'c')) },
      in: 'FAKEID|NSC|S|S1',
      out: 'FAKEID|NSC|E|x',
    },
    {
      name: 'downgrade: credits error on NTC → E',
      script: { notifyTablesClose: fail(new CreditsError('x', -1, 'c')) },
      in: 'FAKEID|NTC|S|S1',
      out: 'FAKEID|NTC|E|x',
    },
    {
      name: 'downgrade: metadata provider error on NNS → E',
      script: { notifyNewSession: fail(new MetadataProviderError('x')) },
      in: 'FAKEID|NNS|S|user|S|S1',
      out: 'FAKEID|NNS|E|x',
    },
    {
      name: 'downgrade: subscribe error on GSC → E',
      script: { getSchema: fail(new SubscribeError('x')) },
      in: 'FAKEID|GSC|S|user|S|g|S|s|S|S1',
      out: 'FAKEID|GSC|E|x',
    },
    {
      name: 'resource unavailable: ER at 1.9.x, EA at 1.8.x',
      script: { notifyUser: fail(new ResourceUnavailableError('x')) },
      in: 'FAKEID|NUS|S|user|S|password',
      out: old ? 'FAKEID|NUS|EA|x' : 'FAKEID|NUS|ER|x',
    },
    // SPEC §3: error.message for an Error, String(value) for anything else thrown.
    {
      name: "throw 'boom'",
      script: { notifySessionClose: fail('boom') },
      in: 'T1|NSC|S|S1',
      out: 'T1|NSC|E|boom',
    },
    {
      name: 'throw 42',
      script: { notifySessionClose: fail(42) },
      in: 'T2|NSC|S|S1',
      out: 'T2|NSC|E|42',
    },
    {
      name: 'throw null',
      script: { notifySessionClose: fail(null) },
      in: 'T3|NSC|S|S1',
      out: 'T3|NSC|E|null',
    },
    {
      name: 'throw a plain object with a message',
      script: { notifySessionClose: fail({ message: 'not an Error' }) },
      in: 'T4|NSC|S|S1',
      out: old ? 'T4|NSC|E|%5Bobject+Object%5D' : 'T4|NSC|E|[object Object]',
    },
  ];
}

/** The 1.9.x-only lines: smart encoding, 1.9.0 table layouts, Java extensions. */
const V191_CASES: Case[] = [
  {
    name: 'V46 NUS smart-decoded headers (a raw + stays +)',
    script: { notifyUser: () => undefined },
    in: 'FAKEID|NUS|S|user|S|password|S|header %0D|S|value 𩥪|S|header $|S|%23|S|header %2B|S|value Ȭ|S|header %7C|S|value €|S|a+b|S|c+d',
    out: 'FAKEID|NUS|D|0|B|0',
    args: ['notifyUser', ['user', 'password', { ...HEADERS_DECODED, 'a+b': 'c+d' }]],
  },
  {
    name: 'V51 NNT, 1.9.x layout',
    script: { notifyNewTables: () => undefined },
    in: 'FAKEID|NNT|S|user|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
    out: 'FAKEID|NNT|V',
    args: [
      'notifyNewTables',
      [
        'user',
        'FAKESESSID',
        [
          {
            winIndex: 1,
            mode: 'MERGE',
            group: 'item1 item2',
            dataAdapter: 'data_adapter1',
            schema: 'field1 field2',
            firstItemIndex: 1,
            lastItemIndex: 2,
            selector: null,
            items: ['item1', 'item2'],
            statistics: null,
          },
        ],
      ],
    ],
  },
  {
    name: 'V51 NNT credits error with a null client message',
    script: { notifyNewTables: fail(new CreditsError('A Message', -1, null)) },
    in: 'FAKEID|NNT|S|user|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
    out: 'FAKEID|NNT|EC|A Message|-1|#',
  },
  {
    name: 'V52 NTC without statistics',
    script: { notifyTablesClose: () => undefined },
    in: 'FAKEID|NTC|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|selector|I|2|S|item1|S|item2|I|0',
    out: 'FAKEID|NTC|V',
  },
  {
    name: 'V52 NTC with statistics',
    script: { notifyTablesClose: () => undefined },
    in: 'FAKEID|NTC|S|FAKESESSID|I|1|M|R|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2|I|2|L|10|L|0|L|3|L|7|L|1|L|0',
    out: 'FAKEID|NTC|V',
  },
  {
    name: 'V55 MSA, 1.9.x layout',
    script: { notifyMpnSubscriptionActivation: () => undefined },
    in: `FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|data_adapter1|S|schema1|I|1|I|2|I|2|S|item1|S|item2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|${MPN_FORMAT_ENCODED}`,
    out: 'FAKEID|MSA|V',
    args: [
      'notifyMpnSubscriptionActivation',
      [
        'user',
        'FAKESESSID',
        {
          winIndex: 1,
          mode: 'MERGE',
          group: 'group1',
          dataAdapter: 'data_adapter1',
          schema: 'schema1',
          firstItemIndex: 1,
          lastItemIndex: 2,
          selector: null,
          items: ['item1', 'item2'],
          statistics: null,
        },
        {
          device: { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
          trigger: 'triggerExpression',
          notificationFormat: MPN_FORMAT,
        },
      ],
    ],
  },
  {
    name: 'V55 MSA credits error',
    script: { notifyMpnSubscriptionActivation: fail(credits) },
    in: `FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|data_adapter1|S|schema1|I|1|I|2|I|2|S|item1|S|item2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|${MPN_FORMAT_ENCODED}`,
    out: 'FAKEID|MSA|EC|An error|-2|Message for the client',
  },
  {
    name: 'V57 NNS time-to-live',
    script: { getSessionTimeToLive: () => 3600 },
    in: 'FAKEID|NNS|S|user|S|S1',
    out: 'FAKEID|NNS|I|3600',
  },
  {
    name: 'V57 NNT flags',
    script: { enableTableUnsubscription: () => true, wantsFinalTableStatistics: () => false },
    in: 'FAKEID|NNT|S|user|S|S1|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
    out: 'FAKEID|NNT|B|1|B|0',
  },
];

/** The 1.8.3 lines: old encoding everywhere, 1.8.x table layouts, no Java extensions. */
const V183_CASES: Case[] = [
  {
    name: 'V46 (old encoding) NUS old-decoded headers',
    script: { notifyUser: () => undefined },
    in: 'FAKEID|NUS|S|user|S|password|S|header+%0D|S|value+%F0%A9%A5%AA|S|header+%24|S|%23|S|header+%2B|S|value+%C8%AC|S|header+%7C|S|value+%E2%82%AC',
    out: 'FAKEID|NUS|D|0|B|0',
    args: ['notifyUser', ['user', 'password', HEADERS_DECODED]],
  },
  {
    name: 'V53 NNT, 1.8.x layout',
    script: { notifyNewTables: () => undefined },
    in: 'f0000010c3e4d0462|NNT|S|#|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#|I|2|M|D|S|nasdaq100_AA_AL|S|medium|I|4|I|3|S|selector',
    out: 'f0000010c3e4d0462|NNT|V',
    args: [
      'notifyNewTables',
      [
        null,
        'S8f3da29cfc463220T5454537',
        [
          {
            winIndex: 1,
            mode: 'MERGE',
            group: 'nasdaq100_AA_AL',
            dataAdapter: null,
            schema: 'short',
            firstItemIndex: 1,
            lastItemIndex: 5,
            selector: null,
            items: [],
            statistics: null,
          },
          {
            winIndex: 2,
            mode: 'DISTINCT',
            group: 'nasdaq100_AA_AL',
            dataAdapter: null,
            schema: 'medium',
            firstItemIndex: 4,
            lastItemIndex: 3,
            selector: 'selector',
            items: [],
            statistics: null,
          },
        ],
      ],
    ],
  },
  {
    name: 'V51 (1.8.x layout) NNT credits error with a null client message',
    script: { notifyNewTables: fail(new CreditsError('A Message', -1, null)) },
    in: 'FAKEID|NNT|S|user|S|S1|I|1|M|M|S|g|S|s|I|1|I|5|S|#',
    out: 'FAKEID|NNT|EC|A+Message|-1|#',
  },
  {
    name: 'V53 NTC, 1.8.x layout',
    script: { notifyTablesClose: () => undefined },
    in: 'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#',
    out: 'f0000010c3e4d0462|NTC|V',
  },
  {
    name: 'V53 NTC without tables',
    script: { notifyTablesClose: () => undefined },
    in: 'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537',
    out: 'f0000010c3e4d0462|NTC|V',
    args: ['notifyTablesClose', ['S8f3da29cfc463220T5454537', []]],
  },
  {
    name: 'V53 NTC notification error',
    script: { notifyTablesClose: fail(new NotificationError('NotificationError')) },
    in: 'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#',
    out: 'f0000010c3e4d0462|NTC|EN|NotificationError',
  },
  {
    name: 'V55 (1.8.x layout) MSA',
    script: { notifyMpnSubscriptionActivation: () => undefined },
    in: `FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|schema1|I|1|I|2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|${MPN_FORMAT_ENCODED}`,
    out: 'FAKEID|MSA|V',
    args: [
      'notifyMpnSubscriptionActivation',
      [
        'user',
        'FAKESESSID',
        {
          winIndex: 1,
          mode: 'MERGE',
          group: 'group1',
          dataAdapter: null,
          schema: 'schema1',
          firstItemIndex: 1,
          lastItemIndex: 2,
          selector: null,
          items: [],
          statistics: null,
        },
        {
          device: { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
          trigger: 'triggerExpression',
          notificationFormat: MPN_FORMAT,
        },
      ],
    ],
  },
  {
    name: 'V56 GIS',
    script: { getItems: (...args: never[]) => (args[2] as unknown as string).split(' ') },
    in: '50000010c3e4d0462|GIS|S|user1|S|nasdaq100_AA_AL+abc|S|S8f3da29cfc463220T5454537',
    out: '50000010c3e4d0462|GIS|S|nasdaq100_AA_AL|S|abc',
    args: ['getItems', ['user1', 'S8f3da29cfc463220T5454537', 'nasdaq100_AA_AL abc']],
  },
  {
    name: 'V56 NUS access error, null user and password',
    script: { notifyUser: fail(new AccessError('A NULL user is not allowed')) },
    in: '10000010c3e4d0462|NUS|S|#|S|#|S|host|S|www.mycompany.com',
    out: '10000010c3e4d0462|NUS|EA|A+NULL+user+is+not+allowed',
    args: ['notifyUser', [null, null, { host: 'www.mycompany.com' }]],
  },
  {
    name: 'V56 NUS credits error',
    script: { notifyUser: fail(new CreditsError('CreditsError', 10, 'User not allowed')) },
    in: '10000010c3e4d0462|NUS|S|#|S|#|S|host|S|www.mycompany.com',
    out: '10000010c3e4d0462|NUS|EC|CreditsError|10|User+not+allowed',
  },
  {
    name: 'V56 NNS conflicting session',
    script: {
      notifyNewSession: fail(
        new ConflictingSessionError(
          'ConflictingSessionError',
          11,
          'clientErrorMsg',
          'conflictingSessionID',
        ),
      ),
    },
    in: '10000020b3e6d0462|NNS|S|user3|S|<session ID>|S|<context prop name 1>|S|<context prop 1 value>',
    out: '10000020b3e6d0462|NNS|EX|ConflictingSessionError|11|clientErrorMsg|conflictingSessionID',
  },
  {
    name: 'V56 NSC with an empty session id',
    script: { notifySessionClose: fail(new NotificationError('Empty SessionId')) },
    in: '20000010c3e4d0462|NSC|S|$',
    out: '20000010c3e4d0462|NSC|EN|Empty+SessionId',
    args: ['notifySessionClose', ['']],
  },
  {
    name: 'V57 below 1.9.0: NNS|V, the time-to-live is not asked',
    script: { getSessionTimeToLive: () => 3600 },
    in: 'FAKEID|NNS|S|user|S|S1',
    out: 'FAKEID|NNS|V',
    notCalled: ['getSessionTimeToLive'],
  },
  {
    name: 'V57 below 1.9.0: NNT|V, the table flags are not asked',
    script: { enableTableUnsubscription: () => true, wantsFinalTableStatistics: () => true },
    in: 'FAKEID|NNT|S|user|S|S1|I|1|M|M|S|g|S|s|I|1|I|5|S|#',
    out: 'FAKEID|NNT|V',
    notCalled: ['enableTableUnsubscription', 'wantsFinalTableStatistics'],
  },
];

describe.each([
  ['1.9.1', 'sync'],
  ['1.9.1', 'async'],
  ['1.8.3', 'sync'],
  ['1.8.3', 'async'],
] as const)('metadata vectors at %s, %s hooks, over the socket', (version, variant) => {
  const bed = new TestBed();
  const scripted = new ScriptedProvider(variant);
  let connection: RawConnection;

  beforeAll(async () => {
    const proxy = await bed.proxy();
    const server = bed.track(new MetadataProviderServer(scripted.provider, proxy));
    const init = `ID0|MPI|S|ARI.version|S|${version}`;
    connection = await handshake(proxy, server, init, init);
  });
  afterAll(() => bed.cleanup());

  const cases = [...commonCases(version), ...(version === '1.9.1' ? V191_CASES : V183_CASES)];
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    scripted.script = c.script;
    scripted.calls.length = 0;
    connection.send(c.in);
    await expectLines(connection, c.out);
    if (c.args !== undefined) {
      expect(scripted.argsOf(c.args[0])).toEqual(c.args[1]);
    }
    for (const hook of c.notCalled ?? []) {
      expect(scripted.calls.map(([name]) => name)).not.toContain(hook);
    }
  });
});

describe('the MetadataProvider base class over the socket', () => {
  const bed = new TestBed();
  afterAll(() => bed.cleanup());

  it.each([
    ['1.9.1', 'FAKEID|NUM|EC|Unsupported function|0|#'],
    ['1.8.3', 'FAKEID|NUM|EC|Unsupported+function|0|#'],
  ])('at %s refuses user messages and splits groups and schemas', async (version, numReply) => {
    const proxy = await bed.proxy();
    const server = bed.track(new MetadataProviderServer(new MetadataProvider(), proxy));
    const init = `ID0|MPI|S|ARI.version|S|${version}`;
    const connection = await handshake(proxy, server, init, init);
    const spaced = version === '1.8.3' ? 'a++b+' : 'a  b ';
    connection.send(
      'FAKEID|NUM|S|user|S|S1|S|hello',
      `G1|GIS|S|user|S|${spaced}|S|S1`,
      'G2|GSC|S|user|S|g|S|$|S|S1',
      'G3|GIT|S|i',
    );
    const lines = await connection.nextLines(4);
    expect(lines.sort()).toEqual(
      [numReply, 'G1|GIS|S|a|S|b', 'G2|GSC', 'G3|GIT|I|0|D|0|M|RMDC'].sort(),
    );
  });
});
