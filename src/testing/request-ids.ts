/**
 * Request ids like the real Proxy's (`10000010c3e4d0462`): opaque hex text, a counter followed by
 * digits fixed per simulator, so a Remote that wrongly assumes numeric or ordered ids is caught.
 */
import { randomBytes } from 'node:crypto';

/** Returns a generator of unique request ids for one simulator. */
export function requestIdGenerator(): () => string {
  const suffix = randomBytes(5).toString('hex');
  let counter = 0x1000001;
  return () => `${(counter++).toString(16)}${suffix}`;
}
