import type { Dialect } from './types.js';

/**
 * What kind of thing was audited: a live server (`postgres`, `mysql`, `sqlite` for a database
 * file), a schema file or migrations folder (`sql-file`), ORM model sources (`models`), or the
 * built-in `demo`.
 */
export type TargetKind = 'postgres' | 'mysql' | 'sqlite' | 'sql-file' | 'models' | 'demo';

/** Whether a target is a scratch copy built from source files (a schema file, ORM models): no usage statistics, no server settings. */
export function isScratchCopy(kind: TargetKind): boolean {
  return kind === 'sql-file' || kind === 'models';
}

/** What was audited; never contains credentials. */
export interface TargetInfo {
  readonly kind: TargetKind;
  readonly dialect: Dialect;
  /** A display name: a URL without credentials, a file path, or `demo`. */
  readonly name: string;
  readonly database: string | null;
  readonly serverVersion: string;
  readonly schemas: readonly string[];
}
