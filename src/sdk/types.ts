/**
 * Types shared by the SDK's public surface (SPEC §3, §5): field values, init parameters and
 * context (defined where the session hands them over), diff-algorithm declarations.
 */
import type { DiffAlgorithm, FieldValue, ProtocolVersion } from '../protocol/index.js';

export type {
  AdapterKind,
  Awaitable,
  InitContext,
  InitParams,
} from '../session/init-types.js';
export type { DiffAlgorithm, FieldValue, ProtocolVersion };

/**
 * The fields of one update: name → value (SPEC §3). A field whose value is `undefined` is left out
 * of the update; `null` is sent as null.
 */
export type ItemFields = Readonly<Record<string, FieldValue>>;

/**
 * Diff algorithms to try per field, in preference order (`declareFieldDiffOrder`): `null` adds no
 * information, `[]` forbids every algorithm.
 */
export type FieldDiffOrder = Readonly<Record<string, readonly DiffAlgorithm[] | null>>;
