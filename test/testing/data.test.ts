import { afterEach, describe, expect, it } from 'vitest';
import {
  DuplicateRequestIdError,
  ProxySimulator,
  type ProxySimulatorOptions,
  ReplyMismatchError,
  RequestTimeoutError,
  UnsupportedRequestError,
} from '../../src/testing/index.js';
import { destroyAllRemotes, openSession } from './raw-remote.js';

const TS = '1700000000000';
let sim: ProxySimulator | undefined;

afterEach(async () => {
  destroyAllRemotes();
  await sim?.close();
  sim = undefined;
});

async function session(options: Partial<ProxySimulatorOptions> = {}, answer = '1.9.1') {
  sim = await new ProxySimulator({ kind: 'data', ...options }).start();
  return openSession(sim, { reply: (id) => `${id}|DPI|S|ARI.version|S|${answer}` });
}

describe('subscribe and unsubscribe', () => {
  it('round-trips SUB and USB with the given ids (V22, V25)', async () => {
    const { remote, conn } = await session();
    const sub = conn.subscribe('An Item Name', { id: 'FAKEID' });
    expect(await remote.waitForLine(/SUB/)).toBe('FAKEID|SUB|S|An Item Name');
    remote.send(`${TS}|EOS|S|An Item Name|S|FAKEID`);
    remote.send('FAKEID|SUB|V');
    expect(await sub).toEqual({ kind: 'reply', method: 'SUB', id: 'FAKEID' });
    const eos = await conn.waitForNotification('EOS', { item: 'An Item Name' });
    expect(eos.message.subscriptionId).toBe('FAKEID');
    expect(conn.activeItems()).toEqual(['An Item Name']);
    const usb = conn.unsubscribe('An Item Name', { id: 'FAKEID2' });
    expect(await remote.waitForLine(/USB/)).toBe('FAKEID2|USB|S|An Item Name');
    remote.send('FAKEID2|USB|V');
    expect(await usb).toEqual({ kind: 'reply', method: 'USB', id: 'FAKEID2' });
    expect(conn.activeItems()).toEqual([]);
    expect(conn.violations).toEqual([]);
  });

  it.each([
    ['EU|An exception', { tag: 'EU', message: 'An exception' }],
    ['EF|Failure Error', { tag: 'EF', message: 'Failure Error' }],
    ['E|An exception', { tag: 'E', message: 'An exception' }],
  ])('resolves an error reply %s with the decoded error (V24)', async (tail, error) => {
    const { remote, conn } = await session();
    const sub = conn.subscribe('An Item Name', { id: 'FAKEID' });
    await remote.waitForLine(/SUB/);
    remote.send(`FAKEID|SUB|${tail}`);
    expect((await sub).error).toEqual(error);
    expect(conn.activeItems()).toEqual([]);
    expect(conn.violations).toEqual([]);
  });

  it('encodes the item with the negotiated version: old at 1.8.3, smart at 1.9.1', async () => {
    const old = await session({ version: '1.9.1' }, '1.8.3');
    old.conn.subscribe('item 1|x', { id: 'A' }).catch(() => {});
    expect(await old.remote.waitForLine(/SUB/)).toBe('A|SUB|S|item+1%7Cx');
    const smart = await openSession(sim as ProxySimulator);
    smart.conn.subscribe('item 1|x', { id: 'B' }).catch(() => {});
    expect(await smart.remote.waitForLine(/SUB/)).toBe('B|SUB|S|item 1%7Cx');
  });

  it('rejects after the timeout, then reports the late reply', async () => {
    const { remote, conn } = await session();
    const error = await conn.subscribe('item1', { id: 'S1', timeoutMs: 30 }).catch((e) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toContain('SUB S1 (item "item1")');
    remote.send('S1|SUB|V');
    expect((await conn.waitForViolation()).code).toBe('late-reply');
  });

  it('rejects a reply naming another method, and reports it', async () => {
    const { remote, conn } = await session();
    const sub = conn.subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|USB|V');
    await expect(sub).rejects.toBeInstanceOf(ReplyMismatchError);
    expect(conn.violations.map((v) => v.code)).toEqual(['reply-method-mismatch']);
  });

  it('refuses a pending id, metadata requests, and the init through request()', async () => {
    const { conn } = await session();
    void conn.subscribe('item1', { id: 'S1' }).catch(() => {});
    await expect(conn.subscribe('item2', { id: 'S1' })).rejects.toBeInstanceOf(
      DuplicateRequestIdError,
    );
    await expect(conn.notifySessionClose('S')).rejects.toBeInstanceOf(UnsupportedRequestError);
    await expect(conn.request({ method: 'DPI', params: [] })).rejects.toBeInstanceOf(
      UnsupportedRequestError,
    );
  });

  it('forwards requests and waits from the simulator to the latest connection', async () => {
    const { remote } = await session();
    const sub = (sim as ProxySimulator).subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|SUB|V');
    await sub;
    remote.send(`${TS}|UD3|S|item1|S|S1|B|0|S|f|S|x`);
    const update = await (sim as ProxySimulator).waitForUpdate({ item: 'item1' });
    expect(update.fields).toEqual({ f: 'x' });
  });
});

describe('notifications', () => {
  async function subscribed(item: string, version?: string) {
    const s = await session({}, version);
    const sub = s.conn.subscribe(item, { id: 'FAKEID' });
    await s.remote.waitForLine(/SUB/);
    s.remote.send('FAKEID|SUB|V');
    await sub;
    return s;
  }

  it('decodes an update with special values (V26)', async () => {
    const { remote, conn } = await subscribed('AnItemName');
    remote.send(
      `${TS}|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field2|S|$|S|field3|S|#`,
    );
    const update = await conn.waitForUpdate({ item: 'AnItemName' });
    expect(update).toMatchObject({
      item: 'AnItemName',
      subscriptionId: 'FAKEID',
      isSnapshot: true,
      fields: { field1: 'A string', field2: '', field3: null },
      pairs: [
        ['field1', 'A string'],
        ['field2', ''],
        ['field3', null],
      ],
      channel: 'main',
      connectionId: conn.id,
    });
    expect(conn.violations).toEqual([]);
  });

  it('smart-decodes names and values (V27)', async () => {
    const { remote, conn } = await subscribed('AnItemName');
    remote.send(
      `${TS}|UD3|S|AnItemName|S|FAKEID|B|1|S|field1|S|A string|S|field_%0D|S|value𩥪|S|field_$|S|%23|S|field_%2B|S|valueȬ|S|field_%7C|S|value€`,
    );
    const update = await conn.waitForUpdate();
    expect(update.fields).toEqual({
      field1: 'A string',
      'field_\r': 'value𩥪',
      field_$: '#',
      'field_+': 'valueȬ',
      'field_|': 'value€',
    });
  });

  it('old-decodes updates at 1.8.3 (V38)', async () => {
    const { remote, conn } = await subscribed('item1', '1.8.3');
    remote.send(`${TS}|UD3|S|item1|S|FAKEID|B|0|S|field1|S|A+symbol+to+encode+%C2%A9`);
    expect((await conn.waitForUpdate()).fields).toEqual({ field1: 'A symbol to encode ©' });
  });

  it('decodes EOS, CLS, DFD and FAL (V28, V29, V31)', async () => {
    const { remote, conn } = await subscribed('AnItemId');
    remote.send(`${TS}|EOS|S|AnItemId|S|FAKEID`);
    remote.send(`${TS}|CLS|S|AnItemId|S|FAKEID`);
    remote.send(
      `${TS}|DFD|S|AnItemId|S|FAKEID|S|field1|F|J|S|field2|F|#|S|field3|F|$|S|field5|F|JM`,
    );
    remote.send(`${TS}|FAL|E|An exception`);
    const fal = await conn.waitForNotification('FAL');
    expect(fal.message.message).toBe('An exception');
    expect(conn.notifications().map((n) => n.message.method)).toEqual(['EOS', 'CLS', 'DFD', 'FAL']);
    const dfd = conn.notifications('DFD')[0];
    expect(dfd?.message.fields).toEqual([
      ['field1', ['JSONPATCH']],
      ['field2', null],
      ['field3', []],
      ['field5', ['JSONPATCH', 'DIFF_MATCH_PATCH']],
    ]);
    expect(conn.violations).toEqual([]);
  });

  it('accepts the Server 7.4 transcript (V36)', async () => {
    sim = await new ProxySimulator({
      kind: 'data',
      initParams: {
        'data_provider.name': 'DEFAULT',
        'adapters_conf.id': 'PROXY_HELLOWORLD_SOCKETS',
      },
    }).start();
    const { remote, conn } = await openSession(sim);
    const sub = conn.subscribe('greetings', { id: '2000001853f9ac178' });
    expect(await remote.waitForLine(/SUB/)).toBe('2000001853f9ac178|SUB|S|greetings');
    remote.send('2000001853f9ac178|SUB|V');
    await sub;
    remote.send(
      `${TS}|UD3|S|greetings|S|2000001853f9ac178|B|0|S|timestamp|S|Now is the time|S|message|S|Hello socket world!`,
    );
    const update = await conn.waitForUpdate({ item: 'greetings', predicate: (u) => !u.isSnapshot });
    expect(update.fields.message).toBe('Hello socket world!');
    expect(conn.violations).toEqual([]);
  });
});

describe('subscription id checks (PROTOCOL.md §4.2)', () => {
  it('reports events for an item never subscribed, or with another id', async () => {
    const { remote, conn } = await session();
    remote.send(`${TS}|UD3|S|nope|S|X|B|0`);
    expect((await conn.waitForViolation()).code).toBe('unsubscribed-item');
    const sub = conn.subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|SUB|V');
    await sub;
    remote.send(`${TS}|EOS|S|item1|S|S0`);
    const stale = await conn.waitForViolation({ code: 'stale-subscription-id' });
    expect(stale.message).toContain('S1');
  });

  it('accepts events of a subscription until its USB is answered, not after', async () => {
    const { remote, conn } = await session();
    const sub = conn.subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|SUB|V');
    await sub;
    const usb = conn.unsubscribe('item1', { id: 'U1' });
    const resub = conn.subscribe('item1', { id: 'S2' });
    await remote.waitForLine(/S2\|SUB/);
    remote.send(`${TS}|UD3|S|item1|S|S1|B|0|S|f|S|in flight`);
    remote.send('U1|USB|V');
    remote.send(`${TS}|UD3|S|item1|S|S1|B|0|S|f|S|too late`);
    remote.send('S2|SUB|V');
    await Promise.all([usb, resub]);
    remote.send(`${TS}|UD3|S|item1|S|S2|B|0|S|f|S|new`);
    await conn.waitForUpdate({ predicate: (u) => u.fields.f === 'new' });
    const violations = conn.violations;
    expect(violations.map((v) => [v.code, v.line])).toEqual([
      ['stale-subscription-id', `${TS}|UD3|S|item1|S|S1|B|0|S|f|S|too late`],
    ]);
  });

  it('reports events after a failed SUB, a non-digit id, and events before the init', async () => {
    sim = await new ProxySimulator({ kind: 'data', nextRequestId: () => 'ID0' }).start();
    const { remote, conn } = await openSession(sim, {
      reply: (id) => `${TS}|UD3|S|x|S|y|B|0\r\n${id}|DPI|S|ARI.version|S|1.9.1`,
    });
    expect(conn.violations.map((v) => v.code)).toEqual(['notification-before-init']);
    conn.clear();
    const sub = conn.subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|SUB|EU|Subscribe request come too late');
    await sub;
    remote.send(`${TS}|EOS|S|item1|S|S1`);
    remote.send('abc|FAL|E|x');
    // The Proxy ignores the token (§1.5): only a warning, the SDKs write digits.
    await conn.waitForViolation({ code: 'bad-notification-id', warnings: true });
    expect(conn.violations.map((v) => v.code)).toEqual(['stale-subscription-id']);
    expect(conn.warnings.map((v) => v.code)).toEqual(['bad-notification-id']);
  });
});

describe('other violations', () => {
  it('reports unknown ids, forbidden error tags, malformed lines and a BOM', async () => {
    const { remote, conn } = await session();
    remote.send('NOPE|SUB|V');
    const sub = conn.subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|SUB|EA|not allowed here');
    expect((await sub).error?.tag).toBe('EA');
    remote.send('FAKEID|WHAT|S|An Item Name');
    remote.send('a||b');
    await conn.waitForViolation({
      after: (await conn.waitForViolation({ code: 'malformed-line' })).seq,
    });
    expect(conn.violations.map((v) => v.code)).toEqual([
      'unknown-reply-id',
      'forbidden-error-tag',
      'malformed-line',
      'malformed-line',
    ]);
  });

  it('warns once per socket about bare LF terminators and about empty lines', async () => {
    const { remote, conn } = await session();
    remote.sendRaw('KEEPALIVE\nKEEPALIVE\n\r\nKEEPALIVE\r\n');
    await conn.waitForViolation({ code: 'empty-line', warnings: true });
    expect(conn.warnings.map((w) => w.code)).toEqual(['lf-terminator', 'empty-line']);
    expect(conn.violations).toEqual([]);
    expect(conn.keepalives()).toHaveLength(3);
  });

  it('reports a BOM at the start of the stream and invalid UTF-8', async () => {
    sim = await new ProxySimulator({ kind: 'data' }).start();
    const { conn, remote } = await openSession(sim, {
      rac: `\uFEFF1|RAC|S|enableClosePacket|S|true`,
    });
    remote.sendRaw(Buffer.from([0x4b, 0xff, 0x0d, 0x0a]));
    await conn.waitForViolation({ code: 'invalid-utf8' });
    expect(conn.violations.map((v) => v.code)).toEqual(['bom', 'invalid-utf8', 'malformed-line']);
  });
});

describe('dialect switch', () => {
  it('decodes a line that follows the init reply in the same chunk with the negotiated version', async () => {
    sim = await new ProxySimulator({ kind: 'data' }).start();
    const { conn } = await openSession(sim, {
      reply: (id) => `${id}|DPI|S|ARI.version|S|1.8.3\r\n${TS}|FAL|E|a+b%7C`,
    });
    const fal = await conn.waitForNotification('FAL');
    expect(fal.message.message).toBe('a b|');
    expect(conn.dialect.version).toBe('1.8.3');
  });

  it('keeps a field named __proto__ as a field', async () => {
    const { remote, conn } = await session();
    const sub = conn.subscribe('item1', { id: 'S1' });
    await remote.waitForLine(/SUB/);
    remote.send('S1|SUB|V');
    await sub;
    remote.send(`${TS}|UD3|S|item1|S|S1|B|0|S|__proto__|S|x`);
    const update = await conn.waitForUpdate();
    expect(Object.keys(update.fields)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(update.fields)).toBe(Object.prototype);
  });
});
