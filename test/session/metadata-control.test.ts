/**
 * Metadata control requests (PROTOCOL.md §5.3, vector V57): FST, FUS and the metadata FAL, over a
 * fake port. Proxy replies are literal lines decoded with the codec; written lines are compared
 * with literal lines. Request ids count from 100 in lower-case hex: 64, 65, 66…
 */
import { describe, expect, it } from 'vitest';
import {
  type ControlReply,
  type Dialect,
  decodeProxyLine,
  dialectOf,
} from '../../src/protocol/index.js';
import { MetadataControl, MetadataControlError } from '../../src/session/metadata-control.js';
import { recordingLogger } from './metadata-test-kit.js';

function setup(initial: Dialect | null = dialectOf('1.9.1')) {
  const lines: string[] = [];
  const logger = recordingLogger();
  let dialect = initial;
  let failWrites = false;
  const control = new MetadataControl({
    writeLine: (line) => {
      if (failWrites) throw new Error('socket gone');
      lines.push(line);
    },
    dialect: () => dialect,
    logger,
  });
  const reply = (line: string) =>
    control.handleReply(decodeProxyLine(line, dialect ?? dialectOf('1.9.1')) as ControlReply);
  return {
    control,
    listener: control.listener,
    lines,
    logger,
    reply,
    setDialect: (next: Dialect | null) => {
      dialect = next;
    },
    breakWrites: () => {
      failWrites = true;
    },
  };
}

describe('V57 force session termination', () => {
  it('writes FST without a cause and resolves on FST|V', async () => {
    const { listener, lines, reply } = setup();
    const done = listener.forceSessionTermination('S1');
    expect(lines).toEqual(['64|FST|S|S1|V']);
    reply('64|FST|V');
    await expect(done).resolves.toBeUndefined();
  });

  it('writes the cause code and message, and rejects with the message of an error reply', async () => {
    const { listener, lines, reply, control } = setup();
    const done = listener.forceSessionTermination('S1', { code: -5, message: 'Kicked out' });
    expect(lines).toEqual(['64|FST|S|S1|I|-5|S|Kicked out']);
    reply('64|FST|E|Unknown session');
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetadataControlError);
    expect(error).toMatchObject({ message: 'Unknown session', kind: 'refused', method: 'FST' });
    expect(control.pendingCount).toBe(0);
  });

  it('writes # for a missing or null cause message, and smart-encodes strings', async () => {
    const { listener, lines, reply } = setup();
    const a = listener.forceSessionTermination('S|1', { code: 0 });
    const b = listener.forceSessionTermination('S2', { code: -1, message: null });
    const c = listener.forceSessionTermination('S3', { code: -2, message: '50% off|now' });
    expect(lines).toEqual([
      '64|FST|S|S%7C1|I|0|S|#',
      '65|FST|S|S2|I|-1|S|#',
      '66|FST|S|S3|I|-2|S|50%25 off%7Cnow',
    ]);
    // Replies may come in any order; each settles its own request.
    reply('66|FST|V');
    reply('64|FST|V');
    reply('65|FST|E|#');
    await expect(c).resolves.toBeUndefined();
    await expect(a).resolves.toBeUndefined();
    await expect(b).rejects.toThrow('The Proxy refused FST without a message');
  });
});

describe('V57 force unsubscription', () => {
  it('writes FUS and resolves false on B|0, true on B|1', async () => {
    const { listener, lines, reply } = setup();
    const refused = listener.forceUnsubscription('S1', 3);
    const done = listener.forceUnsubscription('S1', 4);
    expect(lines).toEqual(['64|FUS|S|S1|I|3', '65|FUS|S|S1|I|4']);
    reply('64|FUS|B|0');
    reply('65|FUS|B|1');
    await expect(refused).resolves.toBe(false);
    await expect(done).resolves.toBe(true);
  });

  it('rejects on any error tag, with the decoded message', async () => {
    const { listener, reply } = setup();
    const done = listener.forceUnsubscription('S1', 3);
    reply('64|FUS|EC|No such table here|0|#');
    await expect(done).rejects.toThrow('No such table here');
  });

  it('works with the listener methods detached from the listener', async () => {
    const { listener, lines, reply } = setup();
    const { forceUnsubscription } = listener;
    const done = forceUnsubscription('S1', 7);
    expect(lines).toEqual(['64|FUS|S|S1|I|7']);
    reply('64|FUS|B|1');
    await expect(done).resolves.toBe(true);
  });
});

describe('availability', () => {
  it.each([
    ['1.8.3', /needs ARI protocol 1\.9\.0 or later.*negotiated 1\.8\.3/],
    ['1.8.0', /needs ARI protocol 1\.9\.0 or later.*negotiated 1\.8\.0/],
  ] as const)('rejects at once at %s, writing nothing', async (version, message) => {
    const { listener, lines, control } = setup(dialectOf(version));
    const fst = listener.forceSessionTermination('S1');
    const fus = listener.forceUnsubscription('S1', 1);
    await expect(fst).rejects.toThrow(message);
    await expect(fus).rejects.toMatchObject({ kind: 'unsupported', method: 'FUS' });
    expect(lines).toEqual([]);
    expect(control.pendingCount).toBe(0);
  });

  it('rejects before init, writing nothing', async () => {
    const { listener, lines } = setup(null);
    await expect(listener.forceSessionTermination('S1')).rejects.toThrow(
      /before the Metadata Adapter's init completed/,
    );
    expect(lines).toEqual([]);
  });

  it('rejects bad arguments with a TypeError, writing nothing', async () => {
    const { listener, lines } = setup();
    await expect(listener.forceUnsubscription('S1', 1.5)).rejects.toThrow(TypeError);
    await expect(listener.forceSessionTermination('S1', { code: Number.NaN })).rejects.toThrow(
      /cause\.code must be an integer/,
    );
    await expect(listener.forceSessionTermination(null as unknown as string)).rejects.toThrow(
      /sessionId must be a string/,
    );
    expect(lines).toEqual([]);
  });
});

describe('replies and closing', () => {
  it('logs and ignores a reply with an unknown id or the wrong method', async () => {
    const { listener, reply, logger, control } = setup();
    const done = listener.forceUnsubscription('S1', 1);
    reply('99|FUS|B|1');
    reply('64|FST|V');
    expect(control.pendingCount).toBe(1);
    expect(logger.records.filter(([level]) => level === 'warn')).toHaveLength(2);
    reply('64|FUS|B|1');
    await expect(done).resolves.toBe(true);
  });

  it('rejects pending requests on close, and later requests at once', async () => {
    const { listener, control, lines } = setup();
    const pending = listener.forceSessionTermination('S1');
    const reason = new Error('connection reset');
    control.close(reason);
    await expect(pending).rejects.toMatchObject({ kind: 'closed', cause: reason });
    await expect(pending).rejects.toThrow(/connection reset/);
    await expect(listener.forceUnsubscription('S1', 1)).rejects.toMatchObject({ kind: 'closed' });
    expect(lines).toEqual(['64|FST|S|S1|V']);
    expect(control.pendingCount).toBe(0);
  });

  it('rejects when the line cannot be written', async () => {
    const { listener, control, breakWrites } = setup();
    breakWrites();
    await expect(listener.forceSessionTermination('S1')).rejects.toThrow(/socket gone/);
    expect(control.pendingCount).toBe(0);
  });
});

describe('V57 metadata failure', () => {
  it('writes 2|FAL|E|<message> at 1.9.x', () => {
    const { listener, lines, logger } = setup();
    listener.failure('Disk full');
    listener.failure(new Error('Bad|state'));
    expect(lines).toEqual(['2|FAL|E|Disk full', '2|FAL|E|Bad%7Cstate']);
    expect(logger.records.filter(([level]) => level === 'error')).toHaveLength(2);
  });

  it('only logs below 1.9.0, before init and after close', () => {
    const { listener, lines, logger, setDialect, control } = setup(dialectOf('1.8.3'));
    listener.failure('Disk full');
    setDialect(null);
    listener.failure('Disk full');
    setDialect(dialectOf('1.9.1'));
    control.close(new Error('closed'));
    listener.failure('Disk full');
    expect(lines).toEqual([]);
    expect(logger.records.filter(([level]) => level === 'error')).toHaveLength(3);
  });

  it('logs instead of throwing when the line cannot be written', () => {
    const { listener, logger, breakWrites } = setup();
    breakWrites();
    expect(() => listener.failure('Disk full')).not.toThrow();
    expect(logger.records.filter(([level]) => level === 'error')).toHaveLength(2);
  });
});
