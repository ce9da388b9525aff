import { describe, expect, it } from 'vitest';
import { type ConnectionStatus, canTransition, StatusHolder } from '../../src/session/status.js';
import { MemoryLogger } from '../sdk/harness.js';

describe('StatusHolder', () => {
  it('follows legal transitions, logs and reports each', () => {
    const logger = new MemoryLogger();
    const seen: Array<[ConnectionStatus, ConnectionStatus]> = [];
    const status = new StatusHolder(logger, (next, previous) => seen.push([next, previous]));
    for (const next of ['connecting', 'handshaking', 'connected', 'closing', 'closed'] as const) {
      expect(status.set(next)).toBe(true);
    }
    expect(seen[0]).toEqual(['connecting', 'idle']);
    expect(seen).toHaveLength(5);
    expect(logger.messages('debug')[2]).toBe('Connection status handshaking → connected');
  });

  it('ignores illegal transitions, so a closed connection stays closed', () => {
    const status = new StatusHolder(new MemoryLogger(), () => {});
    status.set('closed');
    expect(status.set('connecting')).toBe(false);
    expect(status.value).toBe('closed');
    expect(canTransition('connected', 'handshaking')).toBe(false);
    expect(canTransition('init-failed', 'closing')).toBe(true);
  });
});
