import { describe, expect, it } from 'vitest';
import { DataProviderError } from '../../src/sdk/errors.js';
import {
  CloseRequestedError,
  credentialPairs,
  credentialsLine,
  InitError,
  type InitOutcome,
  initParamsOf,
  keepaliveInfoOf,
  runInit,
} from '../../src/session/handshake.js';

describe('RAC', () => {
  it('V09 writes arbitrary pairs old-encoded, in insertion order', () => {
    const line = credentialsLine(
      [
        ['user', 'my_user_\r'],
        ['password', 'my_password_𩥪'],
        ['enableClosePacket', 'true'],
        ['extra $', '#'],
        ['extra +', 'Ȭ'],
        ['extra |', '€'],
      ],
      'request-reply',
    );
    expect(line).toBe(
      '1|RAC|S|user|S|my_user_%0D|S|password|S|my_password_%F0%A9%A5%AA|S|enableClosePacket|S|true|S|extra+%24|S|%23|S|extra+%2B|S|%C8%AC|S|extra+%7C|S|%E2%82%AC',
    );
  });

  it('puts the pairs in the canonical order, each credential only when set', () => {
    expect(credentialPairs({ password: 'p' }, 'sdk')).toEqual([
      ['password', 'p'],
      ['enableClosePacket', 'true'],
      ['SDK', 'sdk'],
    ]);
    expect(credentialPairs({ user: 'u', password: 'p' }, null)).toEqual([
      ['user', 'u'],
      ['password', 'p'],
      ['enableClosePacket', 'true'],
    ]);
  });

  it('uses a digits-only id on the notify connection', () => {
    const line = credentialsLine([['enableClosePacket', 'true']], 'notify');
    expect(line).toMatch(/^[0-9]+\|RAC\|S\|enableClosePacket\|S\|true$/);
  });
});

describe('init parameters and keepalive facts', () => {
  it('removes the reserved parameters, drops nulls, and lets local values win', () => {
    const params = initParamsOf(
      [
        ['ARI.version', '1.9.1'],
        ['keepalive_hint.millis', '8000'],
        ['a', '1'],
        ['b', null],
        ['c', '3'],
      ],
      { c: 'local', d: '4' },
      '1.9.1',
    );
    expect({ ...params }).toEqual({ a: '1', c: 'local', d: '4' });
  });

  it('removes nothing at 1.8.0', () => {
    const params = initParamsOf([['keepalive_hint.millis', '8000']], {}, '1.8.0');
    expect({ ...params }).toEqual({ 'keepalive_hint.millis': '8000' });
  });

  it('reads the hint, or reports an old or refused Proxy', () => {
    expect(keepaliveInfoOf([['keepalive_hint.millis', '3000']], '1.9.1')).toEqual({ hintMs: 3000 });
    expect(keepaliveInfoOf([['keepalive_hint.millis', 'soon']], '1.9.1')).toEqual({});
    expect(keepaliveInfoOf([], '1.9.1')).toEqual({});
    expect(keepaliveInfoOf([], '1.8.0')).toEqual({ oldProxy: true });
    expect(keepaliveInfoOf([['keepalive_hint.millis', '3000']], null)).toEqual({ oldProxy: true });
  });
});

describe('runInit', () => {
  const deps = (initProvider: () => unknown = () => {}) => ({
    role: 'data-single' as const,
    localParams: {},
    context: { name: 'n' },
    initProvider,
  });
  const request = (params: Array<[string, string]>) => ({
    kind: 'request' as const,
    method: 'DPI' as const,
    id: 'ID0',
    params,
  });

  it('answers with the negotiated version and the hint', async () => {
    const { reply, outcome } = await runInit(
      request([
        ['ARI.version', '1.9.1'],
        ['keepalive_hint.millis', '500'],
      ]),
      deps(),
    );
    expect(reply).toBe('ID0|DPI|S|ARI.version|S|1.9.1');
    expect(outcome).toMatchObject({ ok: true, version: '1.9.1', keepalive: { hintMs: 500 } });
  });

  it('refuses a version without calling the provider', async () => {
    let called = false;
    const { reply, outcome } = await runInit(
      request([['ARI.version', '1.8.3']]),
      deps(() => {
        called = true;
      }),
    );
    expect(reply).toBe('ID0|DPI|E|Unsupported+Proxy+Adapter+version');
    expect(called).toBe(false);
    expect(outcome.ok).toBe(false);
    const error = (outcome as Extract<InitOutcome, { ok: false }>).error;
    expect(error).toBeInstanceOf(InitError);
    expect(error.offeredVersion).toBe('1.8.3');
    expect(error.message).toMatch(/notifyPort/);
  });

  it('maps a provider error to the typed reply and keeps it as the cause', async () => {
    const thrown = new DataProviderError('An exception');
    const { reply, outcome } = await runInit(
      request([['ARI.version', '1.9.1']]),
      deps(() => {
        throw thrown;
      }),
    );
    expect(reply).toBe('ID0|DPI|ED|An+exception');
    const error = (outcome as Extract<InitOutcome, { ok: false }>).error;
    expect(error.kind).toBe('provider-failed');
    expect(error.cause).toBe(thrown);
  });
});

describe('CloseRequestedError', () => {
  it('keeps the reason and says what to fix for known reasons', () => {
    const error = new CloseRequestedError('keepalive timeout');
    expect(error.reason).toBe('keepalive timeout');
    expect(error.message).toMatch(/keepaliveMs/);
    expect(new CloseRequestedError(null).message).toMatch(/\(none\)/);
  });
});
