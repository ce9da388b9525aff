/**
 * PROTOCOL.md §8.4 vectors V39–V57 (metadata requests): each literal IN line is decoded, served by a
 * provider answering what the vector says, and the reply is compared with the literal OUT line.
 * Every vector runs with synchronous and with asynchronous hooks.
 */
import { describe, expect, it } from 'vitest';
import {
  AccessError,
  ConflictingSessionError,
  CreditsError,
  ItemsError,
  NotificationError,
  SchemaError,
} from '../../src/sdk/errors.js';
import type { Mode, TableInfo } from '../../src/sdk/metadata-provider.js';
import { argsOf, instrument, serve, throwing, V183, VARIANTS } from './metadata-test-kit.js';

const modeSet =
  (table: Record<string, Mode[]>) =>
  (item: string, mode: Mode): boolean =>
    table[item]?.includes(mode) ?? false;

const ALL: Mode[] = ['RAW', 'MERGE', 'DISTINCT', 'COMMAND'];
const NNS_IN = 'FAKEID|NNS|S|user|S|FAKESESSID|S|prop1|S|val1|S|prop2|S|val2';
const NNT_IN =
  'FAKEID|NNT|S|user|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2';
const MSA_IN =
  'FAKEID|MSA|S|user|S|FAKESESSID|I|1|M|M|S|group1|S|data_adapter1|S|schema1|I|1|I|2|I|2|S|item1|S|item2|P|A|S|appID|S|deviceToken|S|triggerExpression|S|%7B%22aps%22%3A%7B%22alert%22%3A%22%24%7Bmessage%7D%22%2C%22badge%22%3A%22AUTO%22%7D%2C%22acme2%22%3A%5B%22%24%7Btag1%7D%22%2C%22%24%7Btag2%7D%22%5D%7D';

const V51_TABLE: TableInfo = {
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
};

describe.each(VARIANTS)('metadata vectors, %s provider', (variant) => {
  const run = async (
    line: string,
    hooks: object,
    dialect = undefined as typeof V183 | undefined,
  ) => {
    const { provider, calls } = instrument(hooks, variant);
    return { out: await serve(line, provider, dialect), calls };
  };

  it('V39 get item data', async () => {
    const hooks = {
      modeMayBeAllowed: modeSet({
        'An Item Name1': ['RAW', 'MERGE'],
        'An Item Name2': ['DISTINCT'],
      }),
      getDistinctSnapshotLength: (item: string) => (item === 'An Item Name1' ? 10 : 5),
      getMinSourceFrequency: (item: string) => (item === 'An Item Name1' ? 0.5 : 0),
    };
    const line = 'FAKEID|GIT|S|An Item Name1|S|An Item Name2';
    expect((await run(line, hooks)).out).toBe('FAKEID|GIT|I|10|D|0.5|M|RM|I|5|D|0|M|D');
    const failing = { ...hooks, getMinSourceFrequency: throwing(new Error('An error')) };
    expect((await run(line, failing)).out).toBe('FAKEID|GIT|E|An error');
  });

  it('V40 get item data with no items, and the empty mode set (1.8.3)', async () => {
    const data: Record<string, [number, number, Mode[]]> = {
      item_1: [10, 4.5, ['MERGE', 'DISTINCT']],
      item_2: [20, 7.3, ['RAW', 'MERGE', 'COMMAND']],
      item_3: [0, 0, []],
    };
    const hooks = {
      getDistinctSnapshotLength: (item: string) => data[item]?.[0],
      getMinSourceFrequency: (item: string) => data[item]?.[1],
      modeMayBeAllowed: (item: string, mode: Mode) => data[item]?.[2].includes(mode),
    };
    expect((await run('70000010c3e4d0462|GIT', hooks, V183)).out).toBe('70000010c3e4d0462|GIT');
    const line = '70000010c3e4d0462|GIT|S|item_1|S|item_2|S|item_3';
    expect((await run(line, hooks, V183)).out).toBe(
      '70000010c3e4d0462|GIT|I|10|D|4.5|M|MD|I|20|D|7.3|M|RMC|I|0|D|0|M|$',
    );
  });

  it('V41 get user item data', async () => {
    const hooks = {
      isModeAllowed: (user: string, item: string, mode: Mode) =>
        user === 'user' && modeSet({ 'item 1': ALL, 'item 2': ['MERGE'] })(item, mode),
      getAllowedBufferSize: (_user: string, item: string) => (item === 'item 1' ? 30 : 40),
      getAllowedMaxItemFrequency: (_user: string, item: string) => (item === 'item 1' ? 3 : 2.25),
    };
    const { out, calls } = await run('FAKEID|GUI|S|user|S|item 1|S|item 2', hooks);
    expect(out).toBe('FAKEID|GUI|I|30|D|3|M|RMDC|I|40|D|2.25|M|M');
    expect(calls.filter(([name]) => name === 'isModeAllowed')).toHaveLength(8);
    expect((await run('70000010c3e4d0462|GUI|S|user1', hooks, V183)).out).toBe(
      '70000010c3e4d0462|GUI',
    );
  });

  it('V42 get schema', async () => {
    const line = 'FAKEID|GSC|S|user|S|group|S|schema|S|FAKESESSID';
    const { out, calls } = await run(line, { getSchema: () => ['Field 1', 'Field 2'] });
    expect(out).toBe('FAKEID|GSC|S|Field 1|S|Field 2');
    expect(argsOf(calls, 'getSchema')).toEqual(['user', 'FAKESESSID', 'group', 'schema']);
    const answers: Array<[Error, string]> = [
      [new ItemsError('A Message'), 'FAKEID|GSC|EI|A Message'],
      [new SchemaError('A Message'), 'FAKEID|GSC|ES|A Message'],
      [new Error('A Message'), 'FAKEID|GSC|E|A Message'],
    ];
    for (const [error, expected] of answers) {
      expect((await run(line, { getSchema: throwing(error) })).out).toBe(expected);
    }
  });

  it('V43 get items', async () => {
    const line = 'FAKEID|GIS|S|user|S|group|S|FAKESESSID';
    const { out, calls } = await run(line, { getItems: () => ['Item 1', 'Item 2'] });
    expect(out).toBe('FAKEID|GIS|S|Item 1|S|Item 2');
    expect(argsOf(calls, 'getItems')).toEqual(['user', 'FAKESESSID', 'group']);
    expect((await run(line, { getItems: throwing(new Error('A Message')) })).out).toBe(
      'FAKEID|GIS|E|A Message',
    );
    expect((await run(line, { getItems: () => [] })).out).toBe('FAKEID|GIS');
  });

  it('V44 notify user', async () => {
    const line =
      'FAKEID|NUS|S|user|S|password|S|header1|S|value 1|S|header2|S|value 2|S|REQUEST_ID|S|FAKEREQID';
    const hooks = {
      notifyUser: () => {},
      getAllowedMaxBandwidth: () => 12.34,
      wantsTablesNotification: () => true,
    };
    const { out, calls } = await run(line, hooks);
    expect(out).toBe('FAKEID|NUS|D|12.34|B|1');
    const [user, password, headers] = argsOf(calls, 'notifyUser');
    expect([user, password]).toEqual(['user', 'password']);
    expect({ ...(headers as object) }).toEqual({
      header1: 'value 1',
      header2: 'value 2',
      REQUEST_ID: 'FAKEREQID',
    });
    expect(argsOf(calls, 'getAllowedMaxBandwidth')).toEqual(['user']);
    expect(argsOf(calls, 'wantsTablesNotification')).toEqual(['user']);
    expect((await run(line, { notifyUser: () => {} })).out).toBe('FAKEID|NUS|D|0|B|0');
  });

  it('V45 notify user errors', async () => {
    const line = 'FAKEID|NUS|S|user|S|password';
    const answers: Array<[Error, string]> = [
      [new Error('An error'), 'FAKEID|NUS|E|An error'],
      [new AccessError('An error'), 'FAKEID|NUS|EA|An error'],
      [
        new CreditsError('A Message', -1, 'Message for client'),
        'FAKEID|NUS|EC|A Message|-1|Message for client',
      ],
    ];
    for (const [error, expected] of answers) {
      expect((await run(line, { notifyUser: throwing(error) })).out).toBe(expected);
    }
  });

  it('V46 notify user, smart-decoded headers', async () => {
    const line =
      'FAKEID|NUS|S|user|S|password|S|header %0D|S|value 𩥪|S|header $|S|%23|S|header %2B|S|value Ȭ|S|header %7C|S|value €';
    const { calls } = await run(line, { notifyUser: () => {} });
    expect({ ...(argsOf(calls, 'notifyUser')[2] as object) }).toEqual({
      'header \r': 'value 𩥪',
      'header $': '#',
      'header +': 'value Ȭ',
      'header |': 'value €',
    });
  });

  it('V47 notify user with TLS principal', async () => {
    const line = 'FAKEID|NUA|S|user|S|password|S|principal|S|header1|S|value 1|S|header2|S|value 2';
    const hooks = {
      notifyUserWithPrincipal: () => {},
      getAllowedMaxBandwidth: () => 12.34,
      wantsTablesNotification: () => true,
    };
    const { out, calls } = await run(line, hooks);
    expect(out).toBe('FAKEID|NUA|D|12.34|B|1');
    const [user, password, headers, principal] = argsOf(calls, 'notifyUserWithPrincipal');
    expect([user, password, principal]).toEqual(['user', 'password', 'principal']);
    expect({ ...(headers as object) }).toEqual({ header1: 'value 1', header2: 'value 2' });
    const failing = { notifyUserWithPrincipal: throwing(new Error('An error')) };
    expect((await run(line, failing)).out).toBe('FAKEID|NUA|E|An error');
  });

  it('V48 user message', async () => {
    const line = 'FAKEID|NUM|S|user|S|FAKESESSID|S|This is a message';
    const { out, calls } = await run(line, { notifyUserMessage: () => {} });
    expect(out).toBe('FAKEID|NUM|V');
    expect(argsOf(calls, 'notifyUserMessage')).toEqual(['user', 'FAKESESSID', 'This is a message']);
    const failing = { notifyUserMessage: throwing(new Error('An error')) };
    expect((await run(line, failing)).out).toBe('FAKEID|NUM|E|An error');
  });

  it('V49 new session', async () => {
    const { out, calls } = await run(NNS_IN, { notifyNewSession: () => {} });
    expect(out).toBe('FAKEID|NNS|V');
    const [user, session, context] = argsOf(calls, 'notifyNewSession');
    expect([user, session]).toEqual(['user', 'FAKESESSID']);
    expect({ ...(context as object) }).toEqual({ prop1: 'val1', prop2: 'val2' });
    const conflict = new ConflictingSessionError(
      'A Message',
      -1,
      'Message for client',
      'SXXXXXXXXXXXXXXXXX',
    );
    const answers: Array<[Error, string]> = [
      [new Error('An error'), 'FAKEID|NNS|E|An error'],
      [new NotificationError('A Message'), 'FAKEID|NNS|EN|A Message'],
      [conflict, 'FAKEID|NNS|EX|A Message|-1|Message for client|SXXXXXXXXXXXXXXXXX'],
    ];
    for (const [error, expected] of answers) {
      expect((await run(NNS_IN, { notifyNewSession: throwing(error) })).out).toBe(expected);
    }
  });

  it('V50 session close', async () => {
    const { out, calls } = await run('FAKEID|NSC|S|FAKESESSID', { notifySessionClose: () => {} });
    expect(out).toBe('FAKEID|NSC|V');
    expect(argsOf(calls, 'notifySessionClose')).toEqual(['FAKESESSID']);
    const failing = { notifySessionClose: throwing(new Error('An error')) };
    expect((await run('FAKEID|NSC|S|FAKESESSID', failing)).out).toBe('FAKEID|NSC|E|An error');
  });

  it('V51 new tables, 1.9.x layout', async () => {
    const { out, calls } = await run(NNT_IN, { notifyNewTables: () => {} });
    expect(out).toBe('FAKEID|NNT|V');
    expect(argsOf(calls, 'notifyNewTables')).toEqual(['user', 'FAKESESSID', [V51_TABLE]]);
    const failing = { notifyNewTables: throwing(new CreditsError('A Message', -1, null)) };
    expect((await run(NNT_IN, failing)).out).toBe('FAKEID|NNT|EC|A Message|-1|#');
  });

  it('V52 tables closed, 1.9.x layout', async () => {
    const first =
      'FAKEID|NTC|S|FAKESESSID|I|1|M|M|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|selector|I|2|S|item1|S|item2|I|0';
    const a = await run(first, { notifyTablesClose: () => {} });
    expect(a.out).toBe('FAKEID|NTC|V');
    expect(argsOf(a.calls, 'notifyTablesClose')).toEqual([
      'FAKESESSID',
      [{ ...V51_TABLE, selector: 'selector' }],
    ]);
    const second =
      'FAKEID|NTC|S|FAKESESSID|I|1|M|R|S|item1 item2|S|data_adapter1|S|field1 field2|I|1|I|2|S|#|I|2|S|item1|S|item2|I|2|L|10|L|0|L|3|L|7|L|1|L|0';
    const b = await run(second, { notifyTablesClose: () => {} });
    expect(b.out).toBe('FAKEID|NTC|V');
    const [, tables] = argsOf(b.calls, 'notifyTablesClose') as [string, TableInfo[]];
    expect(tables[0]?.statistics).toEqual([
      { realTime: 10, lost: 0, filtered: 3 },
      { realTime: 7, lost: 1, filtered: 0 },
    ]);
  });

  it('V53 new tables / tables closed, 1.8.x layout', async () => {
    const nnt =
      'f0000010c3e4d0462|NNT|S|#|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#|I|2|M|D|S|nasdaq100_AA_AL|S|medium|I|4|I|3|S|selector';
    const a = await run(nnt, { notifyNewTables: () => {} }, V183);
    expect(a.out).toBe('f0000010c3e4d0462|NNT|V');
    const [user, , tables] = argsOf(a.calls, 'notifyNewTables') as [null, string, TableInfo[]];
    expect(user).toBeNull();
    const layout = (t: TableInfo) => [
      t.winIndex,
      t.mode,
      t.group,
      t.schema,
      t.firstItemIndex,
      t.lastItemIndex,
      t.selector,
    ];
    expect(tables.map(layout)).toEqual([
      [1, 'MERGE', 'nasdaq100_AA_AL', 'short', 1, 5, null],
      [2, 'DISTINCT', 'nasdaq100_AA_AL', 'medium', 4, 3, 'selector'],
    ]);
    const ntc =
      'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537|I|1|M|M|S|nasdaq100_AA_AL|S|short|I|1|I|5|S|#';
    expect((await run(ntc, { notifyTablesClose: () => {} }, V183)).out).toBe(
      'f0000010c3e4d0462|NTC|V',
    );
    const empty = 'f0000010c3e4d0462|NTC|S|S8f3da29cfc463220T5454537';
    const b = await run(empty, { notifyTablesClose: () => {} }, V183);
    expect(b.out).toBe('f0000010c3e4d0462|NTC|V');
    expect(argsOf(b.calls, 'notifyTablesClose')).toEqual(['S8f3da29cfc463220T5454537', []]);
    const failing = { notifyTablesClose: throwing(new NotificationError('NotificationError')) };
    expect((await run(ntc, failing, V183)).out).toBe('f0000010c3e4d0462|NTC|EN|NotificationError');
  });

  it('V54 MPN device access / token change', async () => {
    const credits = new CreditsError('An error', -2, 'Message for the client');
    const mda = 'FAKEID|MDA|S|user|S|FAKESESSID|P|A|S|appID|S|deviceToken';
    const a = await run(mda, { notifyMpnDeviceAccess: () => {} });
    expect(a.out).toBe('FAKEID|MDA|V');
    expect(argsOf(a.calls, 'notifyMpnDeviceAccess')).toEqual([
      'user',
      'FAKESESSID',
      { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
    ]);
    expect((await run(mda, { notifyMpnDeviceAccess: throwing(credits) })).out).toBe(
      'FAKEID|MDA|EC|An error|-2|Message for the client',
    );
    const mdc = 'FAKEID|MDC|S|user|S|FAKESESSID|P|G|S|appID|S|deviceToken|S|deviceToken2';
    const b = await run(mdc, { notifyMpnDeviceTokenChange: () => {} });
    expect(b.out).toBe('FAKEID|MDC|V');
    expect(argsOf(b.calls, 'notifyMpnDeviceTokenChange')).toEqual([
      'user',
      'FAKESESSID',
      { platform: 'Google', applicationId: 'appID', deviceToken: 'deviceToken' },
      'deviceToken2',
    ]);
    expect((await run(mdc, { notifyMpnDeviceTokenChange: throwing(credits) })).out).toBe(
      'FAKEID|MDC|EC|An error|-2|Message for the client',
    );
  });

  it('V55 MPN subscription activation, 1.9.x layout', async () => {
    const { out, calls } = await run(MSA_IN, { notifyMpnSubscriptionActivation: () => {} });
    expect(out).toBe('FAKEID|MSA|V');
    expect(argsOf(calls, 'notifyMpnSubscriptionActivation')).toEqual([
      'user',
      'FAKESESSID',
      { ...V51_TABLE, group: 'group1', schema: 'schema1' },
      {
        device: { platform: 'Apple', applicationId: 'appID', deviceToken: 'deviceToken' },
        trigger: 'triggerExpression',
        notificationFormat:
          '{"aps":{"alert":"${message}","badge":"AUTO"},"acme2":["${tag1}","${tag2}"]}',
      },
    ]);
    const credits = new CreditsError('An error', -2, 'Message for the client');
    expect((await run(MSA_IN, { notifyMpnSubscriptionActivation: throwing(credits) })).out).toBe(
      'FAKEID|MSA|EC|An error|-2|Message for the client',
    );
  });

  it('V56 protocol 1.8.3 metadata replies', async () => {
    const gis = '50000010c3e4d0462|GIS|S|user1|S|nasdaq100_AA_AL+abc|S|S8f3da29cfc463220T5454537';
    const a = await run(
      gis,
      { getItems: (_u: string, _s: string, group: string) => group.split(' ') },
      V183,
    );
    expect(a.out).toBe('50000010c3e4d0462|GIS|S|nasdaq100_AA_AL|S|abc');
    expect(argsOf(a.calls, 'getItems')[2]).toBe('nasdaq100_AA_AL abc');

    const nus = '10000010c3e4d0462|NUS|S|#|S|#|S|host|S|www.mycompany.com';
    const access = await run(
      nus,
      { notifyUser: throwing(new AccessError('A NULL user is not allowed')) },
      V183,
    );
    expect(access.out).toBe('10000010c3e4d0462|NUS|EA|A+NULL+user+is+not+allowed');
    expect(argsOf(access.calls, 'notifyUser').slice(0, 2)).toEqual([null, null]);
    const credits = new CreditsError('CreditsError', 10, 'User not allowed');
    expect((await run(nus, { notifyUser: throwing(credits) }, V183)).out).toBe(
      '10000010c3e4d0462|NUS|EC|CreditsError|10|User+not+allowed',
    );

    const nns =
      '10000020b3e6d0462|NNS|S|user3|S|<session ID>|S|<context prop name 1>|S|<context prop 1 value>';
    const conflict = new ConflictingSessionError(
      'ConflictingSessionError',
      11,
      'clientErrorMsg',
      'conflictingSessionID',
    );
    expect((await run(nns, { notifyNewSession: throwing(conflict) }, V183)).out).toBe(
      '10000020b3e6d0462|NNS|EX|ConflictingSessionError|11|clientErrorMsg|conflictingSessionID',
    );

    const nsc = await run(
      '20000010c3e4d0462|NSC|S|$',
      { notifySessionClose: throwing(new NotificationError('Empty SessionId')) },
      V183,
    );
    expect(nsc.out).toBe('20000010c3e4d0462|NSC|EN|Empty+SessionId');
    expect(argsOf(nsc.calls, 'notifySessionClose')).toEqual(['']);
  });

  it('V57 session time-to-live and table flags (1.9.x)', async () => {
    const ttl = await run(NNS_IN, { getSessionTimeToLive: () => 3600 });
    expect(ttl.out).toBe('FAKEID|NNS|I|3600');
    expect(argsOf(ttl.calls, 'getSessionTimeToLive')).toEqual(['user', 'FAKESESSID']);
    const flags = { enableTableUnsubscription: () => true, wantsFinalTableStatistics: () => false };
    const nnt = await run(NNT_IN, flags);
    expect(nnt.out).toBe('FAKEID|NNT|B|1|B|0');
    expect(argsOf(nnt.calls, 'enableTableUnsubscription')).toEqual(['FAKESESSID', [V51_TABLE]]);
    expect(argsOf(nnt.calls, 'wantsFinalTableStatistics')).toEqual(['FAKESESSID', [V51_TABLE]]);
  });
});
