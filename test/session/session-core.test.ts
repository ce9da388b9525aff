import { describe, expect, it } from 'vitest';
import type { ControlReply, Dialect, ProxyRequest } from '../../src/protocol/index.js';
import type { CloseRequestedError, InitOutcome } from '../../src/session/handshake.js';
import { SessionCore, type SessionCorePort } from '../../src/session/session-core.js';
import { MemoryLogger } from '../sdk/harness.js';

/** A SessionCore over a recording port. */
function core(initProvider: () => unknown = () => {}) {
  const logger = new MemoryLogger();
  const replies: string[] = [];
  const served: Array<ProxyRequest | ControlReply> = [];
  const outcomes: InitOutcome[] = [];
  const closes: CloseRequestedError[] = [];
  const protocolErrors: Error[] = [];
  const readyDialects: Dialect[] = [];
  const port: SessionCorePort = {
    initMethod: 'DPI',
    role: 'data-two-connections',
    localParams: {},
    context: {},
    initProvider,
    writeReply: (line) => replies.push(line),
    ready: (dialect) => readyDialects.push(dialect),
    serve: (message) => served.push(message),
    events: {
      initialized: (outcome) => outcomes.push(outcome),
      closeRequested: (error) => closes.push(error),
      protocolError: (error) => protocolErrors.push(error),
    },
    logger,
  };
  return {
    session: new SessionCore(port),
    logger,
    replies,
    served,
    outcomes,
    closes,
    protocolErrors,
    readyDialects,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionCore', () => {
  it('honours CLOSE before the init and ignores everything after it', async () => {
    const t = core();
    t.session.handleLine('0|CLOSE|S|reason|S|wrong+credentials');
    t.session.handleLine('ID0|DPI|S|ARI.version|S|1.9.0');
    await flush();
    expect(t.closes.map((e) => e.reason)).toEqual(['wrong credentials']);
    expect(t.replies).toEqual([]);
    expect(t.session.state).toBe('closed');
  });

  it('ignores requests before the init, with a warning', async () => {
    const t = core();
    t.session.handleLine('FAKEID|SUB|S|item');
    await flush();
    expect(t.served).toEqual([]);
    expect(t.logger.messages('warn')[0]).toMatch(/Unexpected request SUB while waiting for a DPI/);
  });

  it('serves requests that arrive during an async init once it succeeds, decoded with its dialect', async () => {
    let finish!: () => void;
    const t = core(() => new Promise<void>((resolve) => (finish = resolve)));
    t.session.handleLine('ID0|DPI|S|ARI.version|S|1.8.3');
    t.session.handleLine('ID1|SUB|S|a+b');
    await flush();
    expect(t.served).toEqual([]);
    finish();
    await flush();
    expect(t.replies).toEqual(['ID0|DPI|S|ARI.version|S|1.8.3']);
    expect(t.readyDialects.map((d) => d.version)).toEqual(['1.8.3']);
    expect(t.served).toEqual([{ kind: 'request', method: 'SUB', id: 'ID1', item: 'a b' }]);
  });

  it('defers a line it cannot decode during an async init and reports it only once the init succeeded', async () => {
    let finish!: () => void;
    const t = core(() => new Promise<void>((resolve) => (finish = resolve)));
    t.session.handleLine('ID0|DPI|S|ARI.version|S|1.9.1');
    t.session.handleLine('ID1|SUB|S|bad%ZZ');
    t.session.handleLine('ID2|SUB|S|good');
    await flush();
    expect(t.protocolErrors).toEqual([]);
    finish();
    await flush();
    expect(t.protocolErrors).toHaveLength(1);
    expect(t.served).toEqual([{ kind: 'request', method: 'SUB', id: 'ID2', item: 'good' }]);
  });

  it('ignores a second init and every request after a failed init', async () => {
    const ok = core();
    ok.session.handleLine('ID0|DPI|S|ARI.version|S|1.9.1');
    await flush();
    ok.session.handleLine('ID1|DPI|S|ARI.version|S|1.9.1');
    await flush();
    expect(ok.replies).toHaveLength(1);
    expect(ok.logger.messages('warn')).toContain('Unexpected late DPI request: ignored');

    const failed = core(() => {
      throw new Error('boom');
    });
    failed.session.handleLine('ID0|DPI|S|ARI.version|S|1.9.1');
    await flush();
    failed.session.handleLine('ID1|SUB|S|x');
    await flush();
    expect(failed.replies).toEqual(['ID0|DPI|E|boom']);
    expect(failed.served).toEqual([]);
    expect(failed.session.state).toBe('init-failed');
  });

  it('reports malformed lines and carries on', async () => {
    const t = core();
    t.session.handleLine('no separator');
    t.session.handleLine('KEEPALIVE');
    t.session.handleLine('1|CLOSE|S|reason|S|x');
    await flush();
    expect(t.protocolErrors).toHaveLength(2);
    expect(t.closes).toEqual([]);
    expect(t.logger.messages('warn').every((m) => m.startsWith('Discarding'))).toBe(true);
  });

  it('does not answer an init whose provider finishes after close()', async () => {
    let finish!: () => void;
    const t = core(() => new Promise<void>((resolve) => (finish = resolve)));
    t.session.handleLine('ID0|DPI|S|ARI.version|S|1.9.1');
    t.session.close();
    finish();
    await flush();
    expect(t.replies).toEqual([]);
    expect(t.outcomes).toEqual([]);
  });
});
