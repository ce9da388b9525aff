/**
 * Builds the recorder's entries from received lines: a decoded message with where and when it
 * arrived, and for `UD3` the update spelled out (item, subscription id, snapshot flag, fields).
 */
import {
  type Dialect,
  decodeRemoteLine,
  ProtocolError,
  type RemoteMessage,
} from '../protocol/index.js';
import type { Channel, RecordedLine, RecordedUpdate, UndecodedLine } from './types.js';

/** Where and when a line arrived. */
export interface LineOrigin {
  seq: number;
  at: number;
  connectionId: number;
  channel: Channel;
  line: string;
}

/** The entry of a decoded line. Explicit literals, no spreads: this runs once per received line. */
export function decodedEntry(origin: LineOrigin, message: RemoteMessage): RecordedLine {
  const { seq, at, connectionId, channel, line } = origin;
  if (message.kind === 'notification' && message.method === 'UD3') {
    const fields: Record<string, string | null> = {};
    for (const [name, value] of message.fields) {
      // A field may be named __proto__: define it instead of setting the prototype.
      if (name === '__proto__') Object.defineProperty(fields, name, { value, enumerable: true });
      else fields[name] = value;
    }
    const update: RecordedUpdate = {
      seq,
      at,
      connectionId,
      channel,
      line,
      message,
      item: message.item,
      subscriptionId: message.subscriptionId,
      isSnapshot: message.isSnapshot,
      fields,
      pairs: message.fields,
    };
    return update;
  }
  return { seq, at, connectionId, channel, line, message };
}

/** The entry of a line the codec refused. */
export function undecodedEntry(origin: LineOrigin, error: ProtocolError): UndecodedLine {
  return { ...origin, message: null, error };
}

/** Decodes `origin.line` with `dialect` into its entry (an undecoded one if the codec refuses it). */
export function decodeEntry(origin: LineOrigin, dialect: Dialect): RecordedLine {
  return decodeLine(origin, origin.line, dialect);
}

function decodeLine(origin: LineOrigin, text: string, dialect: Dialect): RecordedLine {
  let message: RemoteMessage;
  try {
    message = decodeRemoteLine(text, dialect);
  } catch (error) {
    if (error instanceof ProtocolError) return undecodedEntry(origin, error);
    throw error;
  }
  return decodedEntry(origin, message);
}

/** A decoded entry, and whether it took dropping a trailing separator. */
export interface TolerantDecoding {
  entry: RecordedLine;
  /** The line ended with `|` and decoded only without it. */
  trailingSeparator: boolean;
}

/**
 * As {@link decodeEntry}, but a line that only fails because it ends with `|` (the official Node
 * SDK writes `<id>|GIS|` for an empty list, PROTOCOL.md V43) is decoded as the Proxy's tokenizer,
 * which drops empty tokens, reads it. The entry keeps the line as received.
 */
export function decodeTolerant(origin: LineOrigin, dialect: Dialect): TolerantDecoding {
  const entry = decodeEntry(origin, dialect);
  if (entry.message !== null || !origin.line.endsWith('|')) {
    return { entry, trailingSeparator: false };
  }
  const trimmed = decodeLine(origin, origin.line.replace(/\|+$/, ''), dialect);
  return trimmed.message === null
    ? { entry, trailingSeparator: false }
    : { entry: trimmed, trailingSeparator: true };
}
