/**
 * Runs a framing input through every way a stream can cut it: whole, one byte at a time, and split
 * in two at every offset. Each way must give the same result.
 */
export interface Chunking {
  name: string;
  chunks: Buffer[];
}

/** Every chunking of `bytes`: whole, byte by byte, and each two-piece split. */
export function chunkings(bytes: Buffer): Chunking[] {
  const out: Chunking[] = [{ name: 'whole', chunks: [bytes] }];
  out.push({
    name: 'byte by byte',
    chunks: Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)),
  });
  for (let i = 1; i < bytes.length; i++) {
    out.push({ name: `split at ${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] });
  }
  return out;
}
