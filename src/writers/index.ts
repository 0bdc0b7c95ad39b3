/** Migration writers keyed by the name users choose them by (`dbdoctor fix --format`). */
import { alembicWriter } from './alembic.js';
import { knexWriter } from './knex.js';
import { sqlWriter } from './sql.js';
import type { MigrationWriter } from './types.js';

export type { MigrationWriter } from './types.js';

export const writers = {
  sql: sqlWriter,
  alembic: alembicWriter,
  knex: knexWriter,
} as const satisfies Record<string, MigrationWriter>;

export type WriterName = keyof typeof writers;

/** The writer with this name, or undefined. */
export function getWriter(name: string): MigrationWriter | undefined {
  return Object.hasOwn(writers, name) ? writers[name as WriterName] : undefined;
}
