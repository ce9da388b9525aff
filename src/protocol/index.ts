/**
 * The ARI codec: pure functions and types, no I/O (PROTOCOL.md).
 */
export * from './codes.js';
export * from './decode-proxy.js';
export * from './decode-remote.js';
export * from './encode-proxy.js';
export * from './encode-remote.js';
export * from './encode-update-into.js';
export * from './error-mapping.js';
export * from './errors.js';
export * from './escaping.js';
export * from './line-splitter.js';
export type * from './messages.js';
export * from './tables.js';
export * from './token-reader.js';
export * from './values.js';
export * from './version.js';
