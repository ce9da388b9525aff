/**
 * The client session of `lsadapter dev`, against fake simulator ports: the order of requests,
 * what is reported, and how each kind of refusal is handled.
 */
import { describe, expect, it } from 'vitest';
import {
  type DataPort,
  describeErrorReply,
  type MetadataPort,
  parseSubscriptions,
  runClientSession,
} from '../../src/cli/dev-session.js';
import type { ErrorReply } from '../../src/protocol/index.js';

type Call = [method: string, ...args: unknown[]];

interface FakeAnswers {
  notifyUser?: ErrorReply;
  notifyNewSession?: ErrorReply;
  /** Items of a group, or an error; default: the group itself. */
  getItems?: (group: string) => string[] | ErrorReply;
  getSchema?: ErrorReply;
  notifyUserMessage?: ErrorReply;
}

function isError(value: unknown): value is ErrorReply {
  return typeof value === 'object' && value !== null && 'tag' in value;
}

/** A metadata port that records its calls and answers as told. */
function fakeMetadata(calls: Call[], answers: FakeAnswers = {}): MetadataPort {
  const reply = (method: string, error: ErrorReply | undefined, extra: object = {}) =>
    Promise.resolve({ kind: 'reply', method, id: '1', ...(error ? { error } : extra) } as never);
  return {
    notifyUser: (user, password) => {
      calls.push(['NUS', user, password]);
      return reply('NUS', answers.notifyUser, { maxBandwidth: 0 });
    },
    notifyNewSession: (user, sessionId) => {
      calls.push(['NNS', user, sessionId]);
      return reply('NNS', answers.notifyNewSession);
    },
    getItems: (user, group) => {
      calls.push(['GIS', user, group]);
      const items = answers.getItems?.(group ?? '') ?? [group];
      return isError(items) ? reply('GIS', items) : reply('GIS', undefined, { names: items });
    },
    getSchema: (user, group, schema) => {
      calls.push(['GSC', user, group, schema]);
      const names = (schema ?? '').split(' ');
      return reply('GSC', answers.getSchema, { names });
    },
    notifyUserMessage: (user, sessionId, message) => {
      calls.push(['NUM', user, sessionId, message]);
      return reply('NUM', answers.notifyUserMessage);
    },
  };
}

/** A data port that records its calls; `refuse` lists items it answers with a SubscribeError. */
function fakeData(name: string, calls: Call[], refuse: string[] = []): DataPort {
  return {
    subscribe: (item) => {
      calls.push(['SUB', name, item]);
      const error = refuse.includes(item)
        ? { tag: 'EU' as const, message: `no ${item} here` }
        : undefined;
      return Promise.resolve({ kind: 'reply', method: 'SUB', id: '1', error } as never);
    },
  };
}

describe('runClientSession', () => {
  it('logs in, opens the session, resolves and subscribes each table, then sends the message', async () => {
    const calls: Call[] = [];
    const lines: string[] = [];
    const result = await runClientSession({
      metadata: fakeMetadata(calls),
      data: new Map([['QUOTES', fakeData('QUOTES', calls)]]),
      subscribe: ['QUOTES:item1'],
      schema: ['bid', 'ask'],
      user: 'alice',
      password: 'secret',
      message: 'hi',
      sessionId: 'S1',
      report: (line) => lines.push(line),
    });
    expect(calls).toEqual([
      ['NUS', 'alice', 'secret'],
      ['NNS', 'alice', 'S1'],
      ['GIS', 'alice', 'item1'],
      ['GSC', 'alice', 'item1', 'bid ask'],
      ['SUB', 'QUOTES', 'item1'],
      ['NUM', 'alice', 'S1', 'hi'],
    ]);
    expect(result).toEqual({
      opened: true,
      subscribed: [{ adapter: 'QUOTES', item: 'item1' }],
      refused: 0,
    });
    expect(lines).toEqual([
      'notifyUser(user "alice") → accepted (max bandwidth unlimited)',
      'notifyNewSession(S1) → accepted',
      'QUOTES:item1: getItems → item1, getSchema → 2 fields, subscribed item1 on QUOTES',
      'notifyUserMessage("hi") → accepted',
    ]);
    expect(lines.join('\n')).not.toContain('secret');
  });

  it('subscribes nothing when the Metadata Adapter refuses the user', async () => {
    const calls: Call[] = [];
    const lines: string[] = [];
    const result = await runClientSession({
      metadata: fakeMetadata(calls, { notifyUser: { tag: 'EA', message: 'Wrong password' } }),
      data: new Map([['QUOTES', fakeData('QUOTES', calls)]]),
      subscribe: ['item1'],
      message: 'hi',
      report: (line) => lines.push(line),
    });
    expect(calls).toEqual([['NUS', null, null]]);
    expect(result.opened).toBe(false);
    expect(result.refused).toBe(1);
    expect(lines[0]).toBe('notifyUser(no user) → refused: AccessError: Wrong password');
    expect(lines[1]).toMatch(/refused the user: .*nothing is subscribed/);
  });

  it('reports a refused group on its own line and subscribes the other tables', async () => {
    const calls: Call[] = [];
    const lines: string[] = [];
    const result = await runClientSession({
      metadata: fakeMetadata(calls, {
        getItems: (group) =>
          group === 'bad' ? { tag: 'EI', message: 'Unknown items: bad' } : [group],
      }),
      data: new Map([['QUOTES', fakeData('QUOTES', calls)]]),
      subscribe: ['QUOTES:bad', 'QUOTES:good'],
      report: (line) => lines.push(line),
    });
    expect(lines).toContain(
      'QUOTES:bad: getItems("bad") → refused: ItemsError: Unknown items: bad',
    );
    expect(lines).toContain('QUOTES:good: getItems → good, subscribed good on QUOTES');
    expect(calls.filter(([method]) => method === 'SUB')).toEqual([['SUB', 'QUOTES', 'good']]);
    expect(result.refused).toBe(1);
  });

  it('subscribes every item a group resolves to, and a bare item on every Data Adapter', async () => {
    const calls: Call[] = [];
    const lines: string[] = [];
    const result = await runClientSession({
      metadata: fakeMetadata(calls, { getItems: (group) => group.split('+') }),
      data: new Map([
        ['QUOTES', fakeData('QUOTES', calls)],
        ['CHAT', fakeData('CHAT', calls, ['a', 'b'])],
      ]),
      subscribe: ['a+b'],
      report: (line) => lines.push(line),
    });
    expect(result.subscribed).toEqual([
      { adapter: 'QUOTES', item: 'a' },
      { adapter: 'QUOTES', item: 'b' },
    ]);
    expect(lines).toContain('a+b: subscribe a on CHAT → refused: SubscribeError: no a here');
    expect(lines).toContain('a+b: subscribe b on CHAT → refused: SubscribeError: no b here');
    expect(lines).toContain('a+b: getItems → a b, subscribed a on QUOTES, b on QUOTES');
    expect(result.refused).toBe(2);
  });

  it('subscribes the group words directly when there is no Metadata Adapter', async () => {
    const calls: Call[] = [];
    const lines: string[] = [];
    await runClientSession({
      data: new Map([['FEED', fakeData('FEED', calls)]]),
      subscribe: ['x y'],
      schema: ['f'],
      message: 'ignored',
      report: (line) => lines.push(line),
    });
    expect(calls).toEqual([
      ['SUB', 'FEED', 'x'],
      ['SUB', 'FEED', 'y'],
    ]);
    expect(lines).toEqual([
      'no Metadata Adapter: subscribing without a client session',
      'x y: subscribed x on FEED, y on FEED',
    ]);
  });

  it('reports a request that gets no reply as failed, without throwing', async () => {
    const lines: string[] = [];
    const result = await runClientSession({
      data: new Map([
        ['FEED', { subscribe: () => Promise.reject(new Error('no reply within 10000 ms')) }],
      ]),
      subscribe: ['x'],
      report: (line) => lines.push(line),
    });
    expect(lines).toContain('x: subscribe x on FEED → failed: no reply within 10000 ms');
    expect(result.refused).toBe(1);
  });

  it('says when there is nothing to subscribe', async () => {
    const lines: string[] = [];
    await runClientSession({
      data: new Map([['FEED', fakeData('FEED', [])]]),
      subscribe: [],
      report: (line) => lines.push(line),
    });
    expect(lines.at(-1)).toMatch(/nothing to subscribe: give --subscribe/);
  });
});

describe('parseSubscriptions', () => {
  it('targets a Data Adapter by prefix, and treats other colons as part of the item', () => {
    const { tables, problems } = parseSubscriptions(
      ['QUOTES:item1', 'item2', 'ns:item3', 'QUOTES:', '  '],
      ['QUOTES', 'CHAT'],
    );
    expect(tables).toEqual([
      { spec: 'QUOTES:item1', group: 'item1', adapters: ['QUOTES'] },
      { spec: 'item2', group: 'item2', adapters: ['QUOTES', 'CHAT'] },
      { spec: 'ns:item3', group: 'ns:item3', adapters: ['QUOTES', 'CHAT'] },
    ]);
    expect(problems).toEqual(['QUOTES:: give an item after "QUOTES:"']);
  });
});

describe('describeErrorReply', () => {
  it('names the error class and adds what a credits error tells the client', () => {
    expect(describeErrorReply({ tag: 'E', message: null })).toBe('Error: (no message)');
    expect(
      describeErrorReply({ tag: 'EC', message: 'Empty', clientCode: -1, clientMessage: 'Say it' }),
    ).toBe('CreditsError: Empty (client code -1 "Say it")');
    expect(
      describeErrorReply({
        tag: 'EX',
        message: 'Busy',
        clientCode: -2,
        clientMessage: null,
        conflictingSessionId: 'S9',
      }),
    ).toBe('ConflictingSessionError: Busy (client code -2) (conflicting session S9)');
  });
});
