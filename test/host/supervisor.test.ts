import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStatus, type StatusChange } from '../../src/host/connection-status.js';
import {
  type SessionEnd,
  type SessionHooks,
  type SupervisedSession,
  Supervisor,
  type SupervisorOptions,
} from '../../src/host/supervisor.js';
import { waitUntil, withTimeout } from '../helpers/wait-for.js';

/** A scripted session: the test decides when it connects, starts, fails and ends. */
class FakeSession implements SupervisedSession {
  readonly hooks: SessionHooks;
  closed = false;
  retired = false;
  #start!: { resolve(): void; reject(error: Error): void };
  #end!: (end: SessionEnd) => void;
  readonly started: Promise<void>;
  readonly ended: Promise<SessionEnd>;

  constructor(hooks: SessionHooks) {
    this.hooks = hooks;
    this.started = new Promise<void>((resolve, reject) => {
      this.#start = { resolve, reject };
    });
    this.ended = new Promise<SessionEnd>((resolve) => {
      this.#end = resolve;
    });
  }

  start(): Promise<void> {
    return this.started;
  }

  succeed(): void {
    this.hooks.connected();
    this.#start.resolve();
  }

  fail(message: string): void {
    this.#start.reject(new Error(message));
  }

  drop(reason: string): void {
    this.#end({ reason, severity: 'warn' });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.#end({ reason: 'closed', severity: 'warn' });
  }

  async retire(): Promise<void> {
    this.retired = true;
  }
}

const noop = (): void => undefined;
const silent = { debug: noop, info: noop, warn: noop, error: noop };
const supervisors: Supervisor[] = [];

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});

function setup(overrides: Partial<SupervisorOptions> = {}) {
  const sessions: FakeSession[] = [];
  const changes: StatusChange[] = [];
  const status = new ConnectionStatus({ adapter: 'A', kind: 'data', server: 'h:1' }, silent);
  status.on('status', (_state, change) => changes.push(change));
  let gaveUp = 0;
  const supervisor = new Supervisor({
    status,
    open: (hooks) => {
      const session = new FakeSession(hooks);
      sessions.push(session);
      return session;
    },
    describeFailure: (error) => ({ reason: (error as Error).message, severity: 'warn' }),
    reconnect: { initialDelayMs: 10, maxDelayMs: 40, factor: 2, maxAttempts: null },
    logger: silent,
    onGiveUp: () => gaveUp++,
    random: () => 0.5,
    ...overrides,
  });
  supervisors.push(supervisor);
  supervisor.start();
  const session = (n: number) =>
    waitUntil(() => sessions[n], { what: `session #${n + 1}`, timeoutMs: 2_000 });
  return { supervisor, status, sessions, changes, session, gaveUp: () => gaveUp };
}

describe('Supervisor', () => {
  it('goes connecting → handshaking → connected, and reconnects after a drop with a fresh session', async () => {
    const { status, changes, session } = setup();
    const first = await session(0);
    first.succeed();
    await waitUntil(() => status.state === 'connected');
    first.drop('closed by the peer');
    const second = await session(1);
    expect(first.retired).toBe(true);
    second.succeed();
    await waitUntil(() => status.state === 'connected' && changes.length > 4);
    expect(changes.map((c) => c.to)).toEqual([
      'handshaking',
      'connected',
      'backoff',
      'connecting',
      'handshaking',
      'connected',
    ]);
    const backoff = changes.find((c) => c.to === 'backoff');
    expect(backoff).toMatchObject({ attempt: 1, reason: 'closed by the peer' });
    expect(backoff?.delayMs).toBeGreaterThanOrEqual(1);
  });

  it('counts consecutive failures and resets the count after a handshake', async () => {
    const { changes, session } = setup();
    (await session(0)).fail('refused');
    (await session(1)).fail('refused');
    (await session(2)).succeed();
    await waitUntil(() => changes.some((c) => c.to === 'connected'));
    (await session(2)).drop('gone');
    await session(3);
    const attempts = changes.filter((c) => c.to === 'backoff').map((c) => c.attempt);
    expect(attempts).toEqual([1, 2, 1]);
  });

  it('gives up after maxAttempts consecutive failures: stopped, with onGiveUp called once', async () => {
    const reconnect = { initialDelayMs: 5, maxDelayMs: 5, factor: 1, maxAttempts: 2 };
    const { status, session, sessions, gaveUp } = setup({ reconnect });
    for (let n = 0; n < 3; n++) (await session(n)).fail('refused');
    await waitUntil(() => status.state === 'stopped');
    expect(gaveUp()).toBe(1);
    expect(sessions).toHaveLength(3);
    expect(sessions.every((s) => s.retired)).toBe(true);
  });

  it('stops during a backoff at once, however long the delay', async () => {
    const reconnect = { initialDelayMs: 60_000, maxDelayMs: 60_000, factor: 2, maxAttempts: null };
    const { supervisor, status, session } = setup({ reconnect, random: () => 0.99 });
    (await session(0)).fail('refused');
    await waitUntil(() => status.state === 'backoff');
    await withTimeout(supervisor.stop(), 500, 'stop during backoff');
    expect(status.state).toBe('stopped');
  });

  it('stops during a handshake that never completes, and closes and retires that session', async () => {
    const { supervisor, status, session } = setup();
    const first = await session(0);
    first.hooks.connected();
    await waitUntil(() => status.state === 'handshaking');
    await withTimeout(supervisor.stop(), 500, 'stop during handshake');
    expect(first.closed).toBe(true);
    expect(first.retired).toBe(true);
    expect(status.state).toBe('stopped');
  });

  it('ignores the late "connected" callback of an earlier attempt', async () => {
    const { status, session, changes } = setup();
    const first = await session(0);
    first.fail('refused');
    await session(1);
    await waitUntil(() => status.state === 'connecting' && changes.length >= 2);
    first.hooks.connected();
    expect(status.state).toBe('connecting');
  });

  it('retires a session that will not finish retiring within the bound, and goes on', async () => {
    const { sessions, session, status } = setup({ retireTimeoutMs: 20 });
    const first = await session(0);
    first.retire = () => new Promise<void>(() => undefined);
    first.succeed();
    await waitUntil(() => status.state === 'connected');
    first.drop('gone');
    await session(1);
    expect(sessions).toHaveLength(2);
  });
});
