/** Remote-side encoders against the literal OUT lines of PROTOCOL.md §8 (V07–V57). */
import { describe, expect, it } from 'vitest';
import {
  encodeClearSnapshot,
  encodeCredentials,
  encodeEndOfSnapshot,
  encodeErrorReply,
  encodeFailure,
  encodeFieldDiffOrder,
  encodeForceSessionTermination,
  encodeForceUnsubscription,
  encodeInitReply,
  encodeItemDataReply,
  encodeMetadataFailure,
  encodeNamesReply,
  encodeNewSessionReply,
  encodeNewTablesReply,
  encodeNotifyUserReply,
  encodeUpdate,
  encodeVoidReply,
} from '../../src/protocol/index.js';

const SDK = 'Node.js Adapter SDK';

describe('handshake lines (V07–V09, V15–V21)', () => {
  it('V07 RAC without credentials', () => {
    expect(
      encodeCredentials([
        ['enableClosePacket', 'true'],
        ['SDK', SDK],
      ]),
    ).toBe('1|RAC|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK');
  });
  it('V08 RAC with credentials', () => {
    const line = encodeCredentials([
      ['user', 'my_user'],
      ['password', 'my_password'],
      ['enableClosePacket', 'true'],
      ['SDK', SDK],
    ]);
    expect(line).toBe(
      '1|RAC|S|user|S|my_user|S|password|S|my_password|S|enableClosePacket|S|true|S|SDK|S|Node.js+Adapter+SDK',
    );
  });
  it('V09 RAC with arbitrary pairs, insertion order', () => {
    const line = encodeCredentials([
      ['user', 'my_user_\r'],
      ['password', 'my_password_𩥪'],
      ['enableClosePacket', 'true'],
      ['extra $', '#'],
      ['extra +', 'Ȭ'],
      ['extra |', '€'],
    ]);
    expect(line).toBe(
      '1|RAC|S|user|S|my_user_%0D|S|password|S|my_password_%F0%A9%A5%AA|S|enableClosePacket|S|true|S|extra+%24|S|%23|S|extra+%2B|S|%C8%AC|S|extra+%7C|S|%E2%82%AC',
    );
  });
  it('V21 notify-connection RAC carries a timestamp id', () => {
    expect(encodeCredentials([['enableClosePacket', 'true']], '1700000000000')).toBe(
      '1700000000000|RAC|S|enableClosePacket|S|true',
    );
  });
  it('init replies (V10, V18, V19)', () => {
    expect(encodeInitReply('DPI', 'ID0', '1.9.1')).toBe('ID0|DPI|S|ARI.version|S|1.9.1');
    expect(encodeInitReply('MPI', 'ID0', '1.9.0')).toBe('ID0|MPI|S|ARI.version|S|1.9.0');
    expect(encodeInitReply('MPI', '10000010c3e4d0462', null)).toBe('10000010c3e4d0462|MPI|V');
  });
  it('init error replies are old-encoded (V15, V16, V20)', () => {
    expect(encodeErrorReply('DPI', 'ID0', { tag: 'ED', message: 'An exception' }, 'old')).toBe(
      'ID0|DPI|ED|An+exception',
    );
    expect(
      encodeErrorReply(
        'DPI',
        'ID0',
        { tag: 'E', message: 'Unexpected protocol version number: 1.8.0' },
        'old',
      ),
    ).toBe('ID0|DPI|E|Unexpected+protocol+version+number%3A+1.8.0');
    expect(encodeErrorReply('MPI', 'ID0', { tag: 'EM', message: 'An error' }, 'old')).toBe(
      'ID0|MPI|EM|An+error',
    );
  });
});

describe('data lines (V22–V38)', () => {
  it('V22/V23/V25 void replies', () => {
    expect(encodeVoidReply('SUB', 'FAKEID')).toBe('FAKEID|SUB|V');
    expect(encodeVoidReply('USB', 'FAKEID')).toBe('FAKEID|USB|V');
  });
  it('V24 subscribe errors', () => {
    expect(encodeErrorReply('SUB', 'FAKEID', { tag: 'EU', message: 'An exception' }, 'smart')).toBe(
      'FAKEID|SUB|EU|An exception',
    );
    expect(
      encodeErrorReply('SUB', 'FAKEID', { tag: 'EF', message: 'Failure Error' }, 'smart'),
    ).toBe('FAKEID|SUB|EF|Failure Error');
  });
  it('V26 update with special values', () => {
    expect(
      encodeUpdate(
        '1',
        'AnItemName',
        'FAKEID',
        true,
        { field1: 'A string', field2: '', field3: null },
        'smart',
      ),
    ).toBe('1|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field2|S|$|S|field3|S|#');
  });
  it('V27 update with smart-encoded names and values', () => {
    const fields = {
      field1: 'A string',
      'field_\r': 'value𩥪',
      field_$: '#',
      'field_+': 'valueȬ',
      'field_|': 'value€',
    };
    expect(encodeUpdate('7', 'AnItemName', 'FAKEID', true, fields, 'smart')).toBe(
      '7|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field_%0D|S|value𩥪|S|field_$|S|%23|S|field_%2B|S|valueȬ|S|field_%7C|S|value€',
    );
  });
  it('V36 tutorial update', () => {
    expect(
      encodeUpdate(
        '1',
        'greetings',
        '2000001853f9ac178',
        false,
        { timestamp: 'Now is the time', message: 'Hello socket world!' },
        'smart',
      ),
    ).toBe(
      '1|UD3|S|greetings|S|2000001853f9ac178|B|0|S|timestamp|S|Now is the time|S|message|S|Hello socket world!',
    );
  });
  it('V38 protocol 1.8.3 updates are old-encoded', () => {
    const id = '10000010c3e4d0462';
    expect(encodeUpdate('1', 'item1', id, false, { field1: 'a long value' }, 'old')).toBe(
      `1|UD3|S|item1|S|${id}|B|0|S|field1|S|a+long+value`,
    );
    expect(encodeUpdate('1', 'item1', id, false, { field1: 'A symbol to encode ©' }, 'old')).toBe(
      `1|UD3|S|item1|S|${id}|B|0|S|field1|S|A+symbol+to+encode+%C2%A9`,
    );
    expect(
      encodeUpdate('1', 'item1', id, false, { field1: 'value1', field2: 'value2' }, 'old'),
    ).toBe(`1|UD3|S|item1|S|${id}|B|0|S|field1|S|value1|S|field2|S|value2`);
    expect(encodeUpdate('1', 'item1', id, false, {}, 'old')).toBe(`1|UD3|S|item1|S|${id}|B|0`);
    expect(encodeErrorReply('SUB', id, { tag: 'EU', message: 'Subscription Error' }, 'old')).toBe(
      `${id}|SUB|EU|Subscription+Error`,
    );
    expect(encodeErrorReply('SUB', id, { tag: 'EF', message: 'Failure Error' }, 'old')).toBe(
      `${id}|SUB|EF|Failure+Error`,
    );
  });
  it('SPEC §3 value forms in updates; undefined omitted', () => {
    expect(
      encodeUpdate(
        '1',
        'i',
        'S',
        false,
        { n: 42, d: -0.5, b: true, u: undefined, y: Buffer.from('€') },
        'smart',
      ),
    ).toBe('1|UD3|S|i|S|S|B|0|S|n|S|42|S|d|S|-0.5|S|b|S|true|S|y|S|€');
  });
  it('V28 end of snapshot and clear snapshot', () => {
    expect(encodeEndOfSnapshot('5', 'AnItemId', 'FAKEID', 'smart')).toBe(
      '5|EOS|S|AnItemId|S|FAKEID',
    );
    expect(encodeClearSnapshot('5', 'AnItemId', 'FAKEID', 'smart')).toBe(
      '5|CLS|S|AnItemId|S|FAKEID',
    );
  });
  it('V29 field diff order', () => {
    expect(
      encodeFieldDiffOrder(
        '5',
        'AnItemName',
        'FAKEID',
        {
          field1: ['JSONPATCH'],
          field2: null,
          field3: [],
          field5: ['JSONPATCH', 'DIFF_MATCH_PATCH'],
        },
        'smart',
      ),
    ).toBe('5|DFD|S|AnItemName|S|FAKEID|S|field1|F|J|S|field2|F|#|S|field3|F|$|S|field5|F|JM');
  });
  it('V31 failure', () => {
    expect(encodeFailure('5', 'An exception', 'smart')).toBe('5|FAL|E|An exception');
    expect(encodeFailure('5', null, 'smart')).toBe('5|FAL|E|#');
    expect(encodeFailure('5', 'Unexpected late DPI request', 'old')).toBe(
      '5|FAL|E|Unexpected+late+DPI+request',
    );
  });
  it('V33 late subscribe reply text', () => {
    expect(
      encodeErrorReply(
        'SUB',
        'ID3',
        { tag: 'EU', message: 'Subscribe request come too late' },
        'smart',
      ),
    ).toBe('ID3|SUB|EU|Subscribe request come too late');
    expect(
      encodeErrorReply(
        'SUB',
        'ID3',
        { tag: 'EU', message: 'Subscribe request come too late' },
        'old',
      ),
    ).toBe('ID3|SUB|EU|Subscribe+request+come+too+late');
  });
});

describe('metadata replies (V39–V57)', () => {
  it('V39/V40/V41 item data', () => {
    expect(
      encodeItemDataReply('GIT', 'FAKEID', [
        { size: 10, frequency: 0.5, modes: ['RAW', 'MERGE'] },
        { size: 5, frequency: 0, modes: ['DISTINCT'] },
      ]),
    ).toBe('FAKEID|GIT|I|10|D|0.5|M|RM|I|5|D|0|M|D');
    expect(encodeItemDataReply('GIT', '70000010c3e4d0462', [])).toBe('70000010c3e4d0462|GIT');
    expect(
      encodeItemDataReply('GIT', '70000010c3e4d0462', [
        { size: 10, frequency: 4.5, modes: ['MERGE', 'DISTINCT'] },
        { size: 20, frequency: 7.3, modes: ['RAW', 'MERGE', 'COMMAND'] },
        { size: 0, frequency: 0, modes: [] },
      ]),
    ).toBe('70000010c3e4d0462|GIT|I|10|D|4.5|M|MD|I|20|D|7.3|M|RMC|I|0|D|0|M|$');
    expect(
      encodeItemDataReply('GUI', 'FAKEID', [
        { size: 30, frequency: 3, modes: ['RAW', 'MERGE', 'DISTINCT', 'COMMAND'] },
        { size: 40, frequency: 2.25, modes: ['MERGE'] },
      ]),
    ).toBe('FAKEID|GUI|I|30|D|3|M|RMDC|I|40|D|2.25|M|M');
    expect(encodeErrorReply('GIT', 'FAKEID', { tag: 'E', message: 'An error' }, 'smart')).toBe(
      'FAKEID|GIT|E|An error',
    );
  });
  it('V42/V43/V56 names', () => {
    expect(encodeNamesReply('GSC', 'FAKEID', ['Field 1', 'Field 2'], 'smart')).toBe(
      'FAKEID|GSC|S|Field 1|S|Field 2',
    );
    expect(encodeNamesReply('GIS', 'FAKEID', [], 'smart')).toBe('FAKEID|GIS');
    expect(encodeNamesReply('GIS', '50000010c3e4d0462', ['nasdaq100_AA_AL', 'abc'], 'old')).toBe(
      '50000010c3e4d0462|GIS|S|nasdaq100_AA_AL|S|abc',
    );
  });
  it('V44/V47 notify user', () => {
    expect(encodeNotifyUserReply('NUS', 'FAKEID', 12.34, true)).toBe('FAKEID|NUS|D|12.34|B|1');
    expect(encodeNotifyUserReply('NUS', 'FAKEID', 0, false)).toBe('FAKEID|NUS|D|0|B|0');
    expect(encodeNotifyUserReply('NUA', 'FAKEID', 12.34, true)).toBe('FAKEID|NUA|D|12.34|B|1');
  });
  it('V45/V49/V51/V56 credits and conflicting-session errors', () => {
    expect(
      encodeErrorReply(
        'NUS',
        'FAKEID',
        { tag: 'EC', message: 'A Message', clientCode: -1, clientMessage: 'Message for client' },
        'smart',
      ),
    ).toBe('FAKEID|NUS|EC|A Message|-1|Message for client');
    expect(
      encodeErrorReply(
        'NNS',
        'FAKEID',
        {
          tag: 'EX',
          message: 'A Message',
          clientCode: -1,
          clientMessage: 'Message for client',
          conflictingSessionId: 'SXXXXXXXXXXXXXXXXX',
        },
        'smart',
      ),
    ).toBe('FAKEID|NNS|EX|A Message|-1|Message for client|SXXXXXXXXXXXXXXXXX');
    expect(
      encodeErrorReply(
        'NNT',
        'FAKEID',
        { tag: 'EC', message: 'A Message', clientCode: -1, clientMessage: null },
        'smart',
      ),
    ).toBe('FAKEID|NNT|EC|A Message|-1|#');
    expect(
      encodeErrorReply(
        'NUS',
        '10000010c3e4d0462',
        { tag: 'EC', message: 'CreditsError', clientCode: 10, clientMessage: 'User not allowed' },
        'old',
      ),
    ).toBe('10000010c3e4d0462|NUS|EC|CreditsError|10|User+not+allowed');
    expect(
      encodeErrorReply(
        'NUM',
        'X',
        { tag: 'EC', message: 'Unsupported function', clientCode: 0, clientMessage: null },
        'old',
      ),
    ).toBe('X|NUM|EC|Unsupported+function|0|#');
  });
  it('V57 Java-only replies and control requests', () => {
    expect(encodeNewSessionReply('FAKEID', 3600)).toBe('FAKEID|NNS|I|3600');
    expect(encodeNewSessionReply('FAKEID', null)).toBe('FAKEID|NNS|V');
    expect(
      encodeNewTablesReply('FAKEID', { enableUnsubscription: true, wantsFinalStatistics: false }),
    ).toBe('FAKEID|NNT|B|1|B|0');
    expect(encodeNewTablesReply('FAKEID', null)).toBe('FAKEID|NNT|V');
    expect(encodeForceSessionTermination('64', 'S1', null, 'smart')).toBe('64|FST|S|S1|V');
    expect(
      encodeForceSessionTermination('65', 'S1', { code: -5, message: 'Kicked out' }, 'smart'),
    ).toBe('65|FST|S|S1|I|-5|S|Kicked out');
    expect(encodeForceSessionTermination('65', 'S1', { code: 0 }, 'smart')).toBe(
      '65|FST|S|S1|I|0|S|#',
    );
    expect(encodeForceUnsubscription('66', 'S1', 3, 'smart')).toBe('66|FUS|S|S1|I|3');
    expect(encodeMetadataFailure('Disk full', 'smart')).toBe('2|FAL|E|Disk full');
    expect(encodeMetadataFailure(null, 'smart')).toBe('2|FAL|E|#');
  });
});
