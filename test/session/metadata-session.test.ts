/**
 * MetadataSession over an in-memory writer: init gating, routing of FST/FUS replies, requests
 * meant for a Data Adapter, and what close() does to pending control requests.
 */
import { describe, expect, it } from 'vitest';
import type { MetadataControlListener } from '../../src/sdk/metadata-provider.js';
import { MetadataSession } from '../../src/session/metadata-session.js';
import { MemoryLogger } from '../sdk/harness.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function session(provider: object = {}) {
  const lines: string[] = [];
  const logger = new MemoryLogger();
  const meta = new MetadataSession({
    provider,
    channel: { write: (line) => lines.push(line) > 0 },
    localParams: {},
    context: {},
    events: { initialized: () => {}, closeRequested: () => {}, protocolError: () => {} },
    logger,
  });
  return { meta, lines, logger };
}

describe('MetadataSession', () => {
  it('answers nothing before MPI, then serves requests with defaults for missing hooks', async () => {
    const t = session();
    t.meta.handleLine('A|GIS|S|u|S|a b|S|S1');
    await flush();
    expect(t.lines).toEqual([]);
    t.meta.handleLine('ID0|MPI|S|ARI.version|S|1.9.1');
    t.meta.handleLine('B|GIS|S|u|S|a  b|S|S1');
    await flush();
    expect(t.lines).toEqual(['ID0|MPI|S|ARI.version|S|1.9.1', 'B|GIS|S|a|S|b']);
  });

  it('ignores Data Adapter requests', async () => {
    const t = session();
    t.meta.handleLine('ID0|MPI|S|ARI.version|S|1.9.1');
    t.meta.handleLine('X|SUB|S|item');
    await flush();
    expect(t.lines).toEqual(['ID0|MPI|S|ARI.version|S|1.9.1']);
    expect(t.logger.messages('warn').join()).toMatch(/not for a Metadata Adapter/);
  });

  it('hands the control listener over after init and routes FST replies to it', async () => {
    let control: MetadataControlListener | undefined;
    const order: string[] = [];
    const t = session({
      init: () => order.push('init'),
      setListener: (listener: MetadataControlListener) => {
        order.push('setListener');
        control = listener;
      },
    });
    t.meta.handleLine('ID0|MPI|S|ARI.version|S|1.9.1');
    await flush();
    expect(order).toEqual(['init', 'setListener']);
    const done = control?.forceSessionTermination('S1');
    const id = (t.lines[1] as string).split('|')[0];
    t.meta.handleLine(`${id}|FST|V`);
    await expect(done).resolves.toBeUndefined();
  });

  it('close() rejects pending control requests and stops serving', async () => {
    let control: MetadataControlListener | undefined;
    const t = session({
      setListener: (listener: MetadataControlListener) => {
        control = listener;
      },
    });
    t.meta.handleLine('ID0|MPI|S|ARI.version|S|1.9.1');
    await flush();
    const pending = control?.forceUnsubscription('S1', 2);
    t.meta.close(new Error('gone'));
    await expect(pending).rejects.toThrow(/gone/);
    t.meta.handleLine('C|NSC|S|S1');
    await flush();
    expect(t.lines.some((line) => line.startsWith('C|'))).toBe(false);
  });
});
