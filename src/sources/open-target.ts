import { UserError } from '../util/errors.js';
import { openPostgresUrl } from '../dialects/postgres/connect.js';
import { openSqlFile } from './sql-file.js';
import type { OpenTarget } from './types.js';

export type { OpenTarget } from './types.js';
export { displayUrl } from '../dialects/postgres/connect.js';

/**
 * Opens what the user named: a postgres:// URL, a .sql file or a folder of them. MySQL and
 * SQLite URLs are recognised and refused with a clear message until their introspectors exist.
 */
export async function openTarget(target: string): Promise<OpenTarget> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return openPostgresUrl(target);
  if (scheme === 'mysql' || scheme === 'mariadb' || scheme === 'sqlite') {
    throw new UserError(`${scheme} targets are not supported yet: dbdoctor audits PostgreSQL (a postgres:// URL or a .sql schema file)`);
  }
  if (scheme !== undefined && scheme.length > 1 && target.includes('://')) {
    throw new UserError(`unsupported URL scheme "${scheme}:" (expected postgres://, or a .sql file)`);
  }
  return openSqlFile(target);
}
