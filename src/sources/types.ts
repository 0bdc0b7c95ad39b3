/** Targets the sources open: an open database, whatever it came from. */
export type { AuditTarget, ModelTarget, OpenTarget, PostgresTarget } from '../dialects/types.js';
