/**
 * Every metadata request the simulator writes, compared with the literal IN lines of PROTOCOL.md
 * V39–V57, and every reply decoded, in the 1.9.x and 1.8.x layouts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ControlRequestHandler,
  type ProxyConnection,
  ProxySimulator,
  type RemoteReply,
} from '../../src/testing/index.js';
import { destroyAllRemotes, openSession, type RawRemote } from './raw-remote.js';

let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function metadataSession(version = '1.9.1', onControlRequest?: ControlRequestHandler) {
  sim = await new ProxySimulator({
    kind: 'metadata',
    ...(onControlRequest ? { onControlRequest } : {}),
  }).start();
  return openSession(sim, { reply: (id) => `${id}|MPI|S|ARI.version|S|${version}` });
}

interface Case {
  name: string;
  call: (conn: ProxyConnection) => Promise<RemoteReply>;
  line: string;
  reply: string;
  expected: Record<string, unknown>;
}

const ID = { id: 'FAKEID' };
const TABLE_1_9 = {
  winIndex: 1,
  mode: 'MERGE' as const,
  group: 'item1 item2',
  dataAdapter: 'data_adapter1',
  schema: 'field1 field2',
  firstItemIndex: 1,
  lastItemIndex: 2,
  items: ['item1', 'item2'],
};
const APPLE = { platform: 'Apple' as const, applicationId: 'appID', deviceToken: 'deviceToken' };
const FORMAT = '{"aps":{"alert":"${message}","badge":"AUTO"},"acme2":["${tag1}","${tag2}"]}';
const CREDITS = {
  tag: 'EC',
  message: 'An error',
  clientCode: -2,
  clientMessage: 'Message for the client',
};

const CASES_1_9: Case[] = [
  {
    name: 'V39 GIT',
    call: (c) => c.getItemData(['An Item Name1', 'An Item Name2'], ID),
    line: 'FAKEID|GIT|S|An Item Name1|S|An Item Name2',
    reply: 'FAKEID|GIT|I|10|D|0.5|M|RM|I|5|D|0|M|D',
    expected: {
      itemData: [
        { size: 10, frequency: 0.5, modes: ['RAW', 'MERGE'] },
        { size: 5, frequency: 0, modes: ['DISTINCT'] },
      ],
    },
  },
  {
    name: 'V39 GIT error',
    call: (c) => c.getItemData(['An Item Name1'], ID),
    line: 'FAKEID|GIT|S|An Item Name1',
    reply: 'FAKEID|GIT|E|An error',
    expected: { error: { tag: 'E', message: 'An error' } },
  },
  {
    name: 'V41 GUI',
    call: (c) => c.getUserItemData('user', ['item 1', 'item 2'], ID),
    line: 'FAKEID|GUI|S|user|S|item 1|S|item 2',
    reply: 'FAKEID|GUI|I|30|D|3|M|RMDC|I|40|D|2.25|M|M',
    expected: {
      itemData: [
        { size: 30, frequency: 3, modes: ['RAW', 'MERGE', 'DISTINCT', 'COMMAND'] },
        { size: 40, frequency: 2.25, modes: ['MERGE'] },
      ],
    },
  },
  {
    name: 'V42 GSC',
    call: (c) => c.getSchema('user', 'group', 'schema', 'FAKESESSID', ID),
    line: 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID',
    reply: 'FAKEID|GSC|S|Field 1|S|Field 2',
    expected: { names: ['Field 1', 'Field 2'] },
  },
  {
    name: 'V42 GSC schema error',
    call: (c) => c.getSchema('user', 'group', 'schema', 'FAKESESSID', ID),
    line: 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID',
    reply: 'FAKEID|GSC|ES|A Message',
    expected: { error: { tag: 'ES', message: 'A Message' } },
  },
  {
    name: 'V43 GIS',
    call: (c) => c.getItems('user', 'group', 'FAKESESSID', ID),
    line: 'FAKEID|GIS|S|user|S|group|S|FAKESESSID',
    reply: 'FAKEID|GIS|S|Item 1|S|Item 2',
    expected: { names: ['Item 1', 'Item 2'] },
  },
  {
    name: 'V43 GIS empty',
    call: (c) => c.getItems('user', 'group', 'FAKESESSID', ID),
    line: 'FAKEID|GIS|S|user|S|group|S|FAKESESSID',
    reply: 'FAKEID|GIS',
    expected: { names: [] },
  },
  {
    name: 'V44 NUS',
    call: (c) =>
      c.notifyUser(
        'user',
        'password',
        [
          ['header1', 'value 1'],
          ['header2', 'value 2'],
          ['REQUEST_ID', 'FAKEREQID'],
        ],
        ID,
      ),
    line: 'FAKEID|NUS|S|user|S|password|S|header1|S|value 1|S|header2|S|value 2|S|REQUEST_ID|S|FAKEREQID',
    reply: 'FAKEID|NUS|D|12.34|B|1',
    expected: { maxBandwidth: 12.34, wantsTablesNotification: true },
  },
  {
    name: 'V45 NUS credits error',
    call: (c) => c.notifyUser('user', 'password', {}, ID),
    line: 'FAKEID|NUS|S|user|S|password',
    reply: 'FAKEID|NUS|EC|A Message|-1|Message for client',
    expected: {
      error: {
        tag: 'EC',
        message: 'A Message',
        clientCode: -1,
        clientMessage: 'Message for client',
      },
    },
  },
  {
    name: 'V46 NUS smart-encoded headers',
    call: (c) =>
      c.notifyUser(
        'user',
        'password',
        [
          ['header \r', 'value 𩥪'],
          ['header $', '#'],
          ['header +', 'value Ȭ'],
          ['header |', 'value €'],
        ],
        ID,
      ),
    line: 'FAKEID|NUS|S|user|S|password|S|header %0D|S|value 𩥪|S|header $|S|%23|S|header %2B|S|value Ȭ|S|header %7C|S|value €',
    reply: 'FAKEID|NUS|D|0|B|0',
    expected: { maxBandwidth: 0, wantsTablesNotification: false },
  },
  {
    name: 'V47 NUA',
    call: (c) =>
      c.notifyUserWithPrincipal(
        'user',
        'password',
        'principal',
        { header1: 'value 1', header2: 'value 2' },
        ID,
      ),
    line: 'FAKEID|NUA|S|user|S|password|S|principal|S|header1|S|value 1|S|header2|S|value 2',
    reply: 'FAKEID|NUA|D|12.34|B|1',
    expected: { maxBandwidth: 12.34, wantsTablesNotification: true },
  },
  {
    name: 'V48 NUM',
    call: (c) => c.notifyUserMessage('user', 'FAKESESSID', 'This is a message', ID),
    line: 'FAKEID|NUM|S|user|S|FAKESESSID|S|This is a message',
    reply: 'FAKEID|NUM|V',
    expected: {},
  },
  {
    name: 'V49 NNS',
    call: (c) => c.notifyNewSession('user', 'FAKESESSID', { prop1: 'val1', prop2: 'val2' }, ID),
    line: 'FAKEID|NNS|S|user|S|FAKESESSID|S|prop1|S|val1|S|prop2|S|val2',
    reply: 'FAKEID|NNS|V',
    expected: { ttlSeconds: null },
  },
  {
    name: 'V49 NNS conflicting session',
    call: (c) => c.notifyNewSession('user', 'FAKESESSID', [], ID),
    line: 'FAKEID|NNS|S|user|S|FAKESESSID',
    reply: 'FAKEID|NNS|EX|A Message|-1|Message for client|SXXXXXXXXXXXXXXXXX',
    expected: {
      error: {
        tag: 'EX',
        message: 'A Message',
        clientCode: -1,
        clientMessage: 'Message for client',
        conflictingSessionId: 'SXXXXXXXXXXXXXXXXX',
      },
    },
  },
  {
    name: 'V57 NNS time to live',
    call: (c) => c.notifyNewSession('user', 'FAKESESSID', undefined, ID),
    line: 'FAKEID|NNS|S|user|S|FAKESESSID',
    reply: 'FAKEID|NNS|I|3600',
    expected: { ttlSeconds: 3600 },
  },
  {
    name: 'V50 NSC',
    call: (c) => c.notifySessionClose('FAKESESSID', ID),
    line: 'FAKEID|NSC|S|FAKESESSID',
    reply: 'FAKEID|NSC|E|An error',
    expected: { error: { tag: 'E', message: 'An error' } },
  },
  {
    name: 'V51 NNT',
    call: (c) => c.notifyNewTables('user', 'FAKESESSID', [{ ...TABLE_1_9, selector: null }], ID),
    line: 'FAKEID|NNT|S|user|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
    reply: 'FAKEID|NNT|V',
    expected: { enableUnsubscription: false, wantsFinalStatistics: false },
  },
  {
    name: 'V51 NNT with table defaults, V57 flags reply',
    call: (c) =>
      c.notifyNewTables(
        'user',
        'FAKESESSID',
        [
          {
            winIndex: 1,
            mode: 'MERGE',
            group: 'item1 item2',
            dataAdapter: 'data_adapter1',
            schema: 'field1 field2',
          },
        ],
        ID,
      ),
    line: 'FAKEID|NNT|S|user|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2',
    reply: 'FAKEID|NNT|B|1|B|0',
    expected: { enableUnsubscription: true, wantsFinalStatistics: false },
  },
  {
    name: 'V51 NNT credits error with a null client message',
    call: (c) => c.notifyNewTables('user', 'FAKESESSID', [], ID),
    line: 'FAKEID|NNT|S|user|S|FAKESESSID',
    reply: 'FAKEID|NNT|EC|A Message|-1|#',
    expected: { error: { tag: 'EC', message: 'A Message', clientCode: -1, clientMessage: null } },
  },
  {
    name: 'V52 NTC',
    call: (c) => c.notifyTablesClose('FAKESESSID', [{ ...TABLE_1_9, selector: 'selector' }], ID),
    line: 'FAKEID|NTC|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|selector|I|2|S|item1|S|item2|I|0',
    reply: 'FAKEID|NTC|V',
    expected: {},
  },
  {
    name: 'V52 NTC with statistics',
    call: (c) =>
      c.notifyTablesClose(
        'FAKESESSID',
        [
          {
            ...TABLE_1_9,
            mode: 'RAW',
            statistics: [
              { realTime: 10, lost: 0, filtered: 3 },
              { realTime: 7, lost: 1, filtered: 0 },
            ],
          },
        ],
        ID,
      ),
    line: 'FAKEID|NTC|S|FAKESESSID|I|1|M|R|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2|I|2|L|10|L|0|L|3|L|7|L|1|L|0',
    reply: 'FAKEID|NTC|EN|NotificationError',
    expected: { error: { tag: 'EN', message: 'NotificationError' } },
  },
  {
    name: 'V54 MDA',
    call: (c) => c.notifyMpnDeviceAccess('user', 'FAKESESSID', APPLE, ID),
    line: 'FAKEID|MDA|S|user|S|FAKESESSID|P|A|S|appID|S|deviceToken',
    reply: 'FAKEID|MDA|EC|An error|-2|Message for the client',
    expected: { error: CREDITS },
  },
  {
    name: 'V54 MDC',
    call: (c) =>
      c.notifyMpnDeviceTokenChange(
        'user',
        'FAKESESSID',
        { ...APPLE, platform: 'Google' },
        'deviceToken2',
        ID,
      ),
    line: 'FAKEID|MDC|S|user|S|FAKESESSID|P|G|S|appID|S|deviceToken|S|deviceToken2',
    reply: 'FAKEID|MDC|V',
    expected: {},
  },
  {
    // The literal V55 line percent-encodes the whole JSON; the smart encoder leaves it raw (§2.3).
    name: 'V55 MSA',
    call: (c) =>
      c.notifyMpnSubscriptionActivation(
        'user',
        'FAKESESSID',
        { ...TABLE_1_9, group: 'group1', schema: 'schema1' },
        { device: APPLE, trigger: 'triggerExpression', notificationFormat: FORMAT },
        ID,
      ),
    line: `FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|data_adapter1|S|schema1|I|1|I|2|I|2|S|item1|S|item2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|${FORMAT}`,
    reply: 'FAKEID|MSA|EC|An error|-2|Message for the client',
    expected: { error: CREDITS },
  },
];

const CASES_1_8: Case[] = [
  {
    name: 'V40 GIT without items',
    call: (c) => c.getItemData([], { id: '70000010c3e4d0462' }),
    line: '70000010c3e4d0462|GIT',
    reply: '70000010c3e4d0462|GIT',
    expected: { itemData: [] },
  },
  {
    name: 'V40 GIT with an empty mode set',
    call: (c) => c.getItemData(['item_1', 'item_2', 'item_3'], { id: '70000010c3e4d0462' }),
    line: '70000010c3e4d0462|GIT|S|item_1|S|item_2|S|item_3',
    reply: '70000010c3e4d0462|GIT|I|10|D|4.5|M|MD|I|20|D|7.3|M|RMC|I|0|D|0|M|$',
    expected: {
      itemData: [
        { size: 10, frequency: 4.5, modes: ['MERGE', 'DISTINCT'] },
        { size: 20, frequency: 7.3, modes: ['RAW', 'MERGE', 'COMMAND'] },
        { size: 0, frequency: 0, modes: [] },
      ],
    },
  },
  {
    name: 'V41 GUI without items',
    call: (c) => c.getUserItemData('user1', [], { id: '70000010c3e4d0462' }),
    line: '70000010c3e4d0462|GUI|S|user1',
    reply: '70000010c3e4d0462|GUI',
    expected: { itemData: [] },
  },
  {
    name: 'V53 NNT, 1.8 layout',
    call: (c) =>
      c.notifyNewTables(
        null,
        'S8f3da29cfc463220T5454537',
        [
          {
            winIndex: 1,
            mode: 'MERGE',
            group: 'nasdaq100_AA_AL',
            schema: 'short',
            firstItemIndex: 1,
            lastItemIndex: 5,
          },
          {
            winIndex: 2,
            mode: 'DISTINCT',
            group: 'nasdaq100_AA_AL',
            schema: 'medium',
            firstItemIndex: 4,
            lastItemIndex: 3,
            selector: 'selector',
          },
        ],
        { id: 'f0000010c3e4d0462' },
      ),
    line: 'f0000010c3e4d0462|NNT|S|#|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#|I|2|M|D|S|nasdaq100_AA_AL|S|medium|I|4|I|3|S|selector',
    reply: 'f0000010c3e4d0462|NNT|V',
    expected: { enableUnsubscription: false, wantsFinalStatistics: false },
  },
  {
    name: 'V53 NTC, 1.8 layout',
    call: (c) =>
      c.notifyTablesClose(
        'S8f3da29cfc463220T5454537',
        [
          {
            winIndex: 1,
            mode: 'MERGE',
            group: 'nasdaq100_AA_AL',
            schema: 'short',
            firstItemIndex: 1,
            lastItemIndex: 5,
          },
        ],
        { id: 'f0000010c3e4d0462' },
      ),
    line: 'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#',
    reply: 'f0000010c3e4d0462|NTC|V',
    expected: {},
  },
  {
    name: 'V53 NTC without tables',
    call: (c) => c.notifyTablesClose('S8f3da29cfc463220T5454537', [], { id: 'f0000010c3e4d0462' }),
    line: 'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537',
    reply: 'f0000010c3e4d0462|NTC|EN|NotificationError',
    expected: { error: { tag: 'EN', message: 'NotificationError' } },
  },
  {
    name: 'V56 GIS, old-encoded',
    call: (c) =>
      c.getItems('user1', 'nasdaq100_AA_AL abc', 'S8f3da29cfc463220T5454537', {
        id: '50000010c3e4d0462',
      }),
    line: '50000010c3e4d0462|GIS|S|user1|S|nasdaq100_AA_AL+abc|S|S8f3da29cfc463220T5454537',
    reply: '50000010c3e4d0462|GIS|S|nasdaq100_AA_AL|S|abc',
    expected: { names: ['nasdaq100_AA_AL', 'abc'] },
  },
  {
    name: 'V56 NUS with null user, old-encoded access error',
    call: (c) =>
      c.notifyUser(null, null, { host: 'www.mycompany.com' }, { id: '10000010c3e4d0462' }),
    line: '10000010c3e4d0462|NUS|S|#|S|#|S|host|S|www.mycompany.com',
    reply: '10000010c3e4d0462|NUS|EA|A+NULL+user+is+not+allowed',
    expected: { error: { tag: 'EA', message: 'A NULL user is not allowed' } },
  },
  {
    name: 'V56 NUS credits error',
    call: (c) => c.notifyUser('user', 'pw', [], { id: '10000010c3e4d0462' }),
    line: '10000010c3e4d0462|NUS|S|user|S|pw',
    reply: '10000010c3e4d0462|NUS|EC|CreditsError|10|User+not+allowed',
    expected: {
      error: {
        tag: 'EC',
        message: 'CreditsError',
        clientCode: 10,
        clientMessage: 'User not allowed',
      },
    },
  },
  {
    name: 'V56 NSC with an empty session id',
    call: (c) => c.notifySessionClose('', { id: '20000010c3e4d0462' }),
    line: '20000010c3e4d0462|NSC|S|$',
    reply: '20000010c3e4d0462|NSC|EN|Empty+SessionId',
    expected: { error: { tag: 'EN', message: 'Empty SessionId' } },
  },
];

// The same requests at a negotiated 1.8.x: every string old-encoded (§2.4, §2.5: space → +, and
// the V02 escapes), tables in the 1.8 layout (§5.2: no data adapter, no items, no statistics).
const CASES_1_8_CONSTRUCTED: Case[] = [
  {
    name: 'V44 NUS, old-encoded headers',
    call: (c) =>
      c.notifyUser(
        'user',
        'password',
        [
          ['header1', 'value 1'],
          ['REQUEST_ID', 'FAKEREQID'],
        ],
        ID,
      ),
    line: 'FAKEID|NUS|S|user|S|password|S|header1|S|value+1|S|REQUEST_ID|S|FAKEREQID',
    reply: 'FAKEID|NUS|D|12.34|B|1',
    expected: { maxBandwidth: 12.34, wantsTablesNotification: true },
  },
  {
    name: 'V46 NUS special characters, old-encoded',
    call: (c) =>
      c.notifyUser(
        'user',
        'password',
        [
          ['header \r', 'value 𩥪'],
          ['header $', '#'],
          ['header +', 'value Ȭ'],
          ['header |', 'value €'],
        ],
        ID,
      ),
    line: 'FAKEID|NUS|S|user|S|password|S|header+%0D|S|value+%F0%A9%A5%AA|S|header+%24|S|%23|S|header+%2B|S|value+%C8%AC|S|header+%7C|S|value+%E2%82%AC',
    reply: 'FAKEID|NUS|EC|A+Message|-1|Message+for+client',
    expected: {
      error: {
        tag: 'EC',
        message: 'A Message',
        clientCode: -1,
        clientMessage: 'Message for client',
      },
    },
  },
  {
    name: 'V47 NUA',
    call: (c) => c.notifyUserWithPrincipal('user', 'password', 'the principal', {}, ID),
    line: 'FAKEID|NUA|S|user|S|password|S|the+principal',
    reply: 'FAKEID|NUA|D|0|B|0',
    expected: { maxBandwidth: 0, wantsTablesNotification: false },
  },
  {
    name: 'V41 GUI',
    call: (c) => c.getUserItemData('user', ['item 1', 'item 2'], ID),
    line: 'FAKEID|GUI|S|user|S|item+1|S|item+2',
    reply: 'FAKEID|GUI|I|30|D|3|M|RMDC|I|40|D|2.25|M|M',
    expected: {
      itemData: [
        { size: 30, frequency: 3, modes: ['RAW', 'MERGE', 'DISTINCT', 'COMMAND'] },
        { size: 40, frequency: 2.25, modes: ['MERGE'] },
      ],
    },
  },
  {
    name: 'V42 GSC',
    call: (c) => c.getSchema('user', 'group', 'Field 1 Field 2', 'FAKESESSID', ID),
    line: 'FAKEID|GSC|S|user|S|group|S|Field+1+Field+2|S|FAKESESSID',
    reply: 'FAKEID|GSC|S|Field+1|S|Field+2',
    expected: { names: ['Field 1', 'Field 2'] },
  },
  {
    name: 'V48 NUM',
    call: (c) => c.notifyUserMessage('user', 'FAKESESSID', 'This is a message', ID),
    line: 'FAKEID|NUM|S|user|S|FAKESESSID|S|This+is+a+message',
    reply: 'FAKEID|NUM|EC|Unsupported+function|0|#',
    expected: {
      error: { tag: 'EC', message: 'Unsupported function', clientCode: 0, clientMessage: null },
    },
  },
  {
    name: 'V49 NNS',
    call: (c) =>
      c.notifyNewSession('user', 'FAKESESSID', { USER_AGENT: 'a b', REMOTE_IP: null }, ID),
    line: 'FAKEID|NNS|S|user|S|FAKESESSID|S|USER_AGENT|S|a+b|S|REMOTE_IP|S|#',
    reply: 'FAKEID|NNS|V',
    expected: { ttlSeconds: null },
  },
  {
    name: 'V52 NTC with statistics given: none in the 1.8 layout',
    call: (c) =>
      c.notifyTablesClose(
        'FAKESESSID',
        [{ ...TABLE_1_9, statistics: [{ realTime: 1, lost: 0, filtered: 0 }] }],
        ID,
      ),
    line: 'FAKEID|NTC|S|FAKESESSID|I|1|M|M|S|item1+item2|S|field1+field2|I|1|I|2|S|#',
    reply: 'FAKEID|NTC|V',
    expected: {},
  },
  {
    name: 'V54 MDA',
    call: (c) => c.notifyMpnDeviceAccess('user', 'FAKESESSID', APPLE, ID),
    line: 'FAKEID|MDA|S|user|S|FAKESESSID|P|A|S|appID|S|deviceToken',
    reply: 'FAKEID|MDA|EC|An+error|-2|Message+for+the+client',
    expected: { error: CREDITS },
  },
  {
    name: 'V54 MDC',
    call: (c) =>
      c.notifyMpnDeviceTokenChange(
        'user',
        'FAKESESSID',
        { ...APPLE, platform: 'Google' },
        'deviceToken2',
        ID,
      ),
    line: 'FAKEID|MDC|S|user|S|FAKESESSID|P|G|S|appID|S|deviceToken|S|deviceToken2',
    reply: 'FAKEID|MDC|V',
    expected: {},
  },
  {
    // The notification format token is the literal one of V55: the old encoding escapes it all.
    name: 'V55 MSA, 1.8 layout',
    call: (c) =>
      c.notifyMpnSubscriptionActivation(
        'user',
        'FAKESESSID',
        { ...TABLE_1_9, group: 'group1', schema: 'schema1' },
        { device: APPLE, trigger: 'triggerExpression', notificationFormat: FORMAT },
        ID,
      ),
    line: 'FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|schema1|I|1|I|2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|%7B%22aps%22%3A%7B%22alert%22%3A%22%24%7Bmessage%7D%22%2C%22badge%22%3A%22AUTO%22%7D%2C%22acme2%22%3A%5B%22%24%7Btag1%7D%22%2C%22%24%7Btag2%7D%22%5D%7D',
    reply: 'FAKEID|MSA|V',
    expected: {},
  },
];

async function roundTrip(remote: RawRemote, conn: ProxyConnection, c: Case): Promise<void> {
  const before = remote.lines.length;
  const reply = c.call(conn);
  const line = await remote.waitForLineCount(before + 1);
  expect(line[before]).toBe(c.line);
  remote.send(c.reply);
  const decoded = await reply;
  const id = c.line.split('|')[0];
  expect(decoded).toEqual({ kind: 'reply', method: c.line.split('|')[1], id, ...c.expected });
}

describe.each(['1.9.1', '1.9.0'])('metadata requests at %s', (version) => {
  it.each(CASES_1_9.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const { remote, conn } = await metadataSession(version);
    await roundTrip(remote, conn, c);
    expect(conn.violations).toEqual([]);
  });
});

describe.each(['1.8.3', '1.8.2'])(
  'metadata requests at %s (old encoding, 1.8 table layout)',
  (version) => {
    it.each([...CASES_1_8, ...CASES_1_8_CONSTRUCTED].map((c) => [c.name, c] as const))(
      '%s',
      async (_, c) => {
        const { remote, conn } = await metadataSession(version);
        await roundTrip(remote, conn, c);
        expect(conn.violations).toEqual([]);
      },
    );
  },
);

describe('control requests and metadata failures (V57)', () => {
  it('answers FST with V and FUS with B|1 by default, and records them', async () => {
    const { remote, conn } = await metadataSession();
    remote.send('64|FST|S|S1|V');
    remote.send('65|FUS|S|S1|I|3');
    await remote.waitForLine('65|FUS|B|1');
    expect(remote.lines.slice(1)).toEqual(['64|FST|V', '65|FUS|B|1']);
    expect(conn.recorder.controlRequests().map((r) => r.message)).toEqual([
      { kind: 'controlRequest', method: 'FST', id: '64', sessionId: 'S1', cause: null },
      { kind: 'controlRequest', method: 'FUS', id: '65', sessionId: 'S1', winIndex: 3 },
    ]);
  });

  it('answers as the handler says: error, false, or nothing', async () => {
    const handler: ControlRequestHandler = (request) => {
      if (request.method === 'FST') return { error: { tag: 'E', message: 'Unknown session' } };
      return request.winIndex === 3 ? { value: false } : null;
    };
    const { remote, conn } = await metadataSession('1.9.1', handler);
    remote.send('64|FST|S|S1|I|-5|S|Kicked out');
    remote.send('65|FUS|S|S1|I|4');
    remote.send('66|FUS|S|S1|I|3');
    await remote.waitForLine(/^66\|/);
    expect(remote.lines.slice(1)).toEqual(['64|FST|E|Unknown session', '66|FUS|B|0']);
    expect(conn.recorder.controlRequests()[0]?.message).toMatchObject({
      cause: { code: -5, message: 'Kicked out' },
    });
    conn.setControlHandler(undefined);
    remote.send('67|FUS|S|S1|I|4');
    await remote.waitForLine('67|FUS|B|1');
  });

  it('does not answer FST below 1.9.0, and reports it', async () => {
    const { remote, conn } = await metadataSession('1.8.3');
    remote.send('64|FST|S|S1|V');
    expect((await conn.waitForViolation()).code).toBe('unsupported-in-version');
    const reply = conn.notifySessionClose('S', { id: 'N1' });
    await remote.waitForLine(/NSC/);
    expect(remote.lines.slice(1)).toEqual(['N1|NSC|S|S']);
    remote.send('N1|NSC|V');
    await reply;
  });

  it('records a metadata FAL with id 2, and reports another id and data notifications', async () => {
    const { remote, conn } = await metadataSession();
    remote.send('2|FAL|E|Disk full');
    remote.send('7|FAL|E|#');
    remote.send('1700000000000|UD3|S|item|S|X|B|0');
    await conn.waitForViolation({ code: 'notification-on-wrong-connection' });
    expect(conn.notifications('FAL').map((n) => n.message.message)).toEqual(['Disk full', null]);
    expect(conn.violations.map((v) => v.code)).toEqual([
      'bad-failure-id',
      'notification-on-wrong-connection',
    ]);
  });
});
