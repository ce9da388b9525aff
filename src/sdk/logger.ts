/**
 * The logging port users pass to the servers (`options.logger`): see session/logger.ts.
 */

export type { LogFn, Logger } from '../session/logger.js';
export { childLogger, silentLogger } from '../session/logger.js';
