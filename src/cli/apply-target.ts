/**
 * What `dbdoctor apply` opens: a read-write session on the target with the dialect's apply side
 * (run lock, journal, catalog checks), and a way to audit it before and after. PostgreSQL is
 * audited on the apply's own connection as before; a MySQL/MariaDB server or a SQLite file is
 * audited on a connection of its own, opened read-only as `dbdoctor audit` opens it.
 */
import type { ApplyDialect } from '../dialects/apply-types.js';
import type { Queryable } from '../dialects/types.js';
import { postgresApply } from '../dialects/postgres/apply.js';
import { mysqlApply, mysqlQueryable } from '../dialects/mysql/apply.js';
import { openMysqlUrl, readFeatures } from '../dialects/mysql/index.js';
import { openSqliteForApply } from '../dialects/sqlite/apply.js';
import { isSqliteFile, sqlitePathOf } from '../dialects/sqlite/index.js';
import { auditTarget } from '../audit/run-target.js';
import type { AuditOptions } from '../audit/run.js';
import type { AuditResult } from '../audit/types.js';
import { asPostgresTarget, openAuditTarget, openTarget } from '../sources/open-target.js';
import { UserError } from '../util/errors.js';

/** A target open for apply. */
export interface ApplyTarget {
  readonly kind: 'postgres' | 'mysql' | 'sqlite';
  readonly db: Queryable;
  readonly dialect: ApplyDialect;
  /** The target for messages, without credentials. */
  readonly name: string;
  audit(options: AuditOptions): Promise<AuditResult>;
  close(): Promise<void>;
}

const NOT_A_DATABASE =
  'dbdoctor apply changes a live database: give a postgres://, mysql:// or mariadb:// URL or a SQLite file (use dbdoctor fix for a .sql file or models)';

async function sqlitePath(target: string): Promise<string | null> {
  if (/^sqlite:/i.test(target)) return sqlitePathOf(target);
  return /^[a-z][a-z0-9+.-]+:/i.test(target) || !(await isSqliteFile(target).catch(() => false)) ? null : target;
}

/** Audits `target` on a connection of its own, opened as `dbdoctor audit` opens it (a SQLite file read-only). */
async function auditReadOnly(target: string, options: AuditOptions): Promise<AuditResult> {
  const open = await openAuditTarget(target);
  try {
    return await auditTarget(open, options);
  } finally {
    await open.close();
  }
}

/** Opens `target` for apply; anything but a live database is refused in one line. */
export async function openApplyTarget(target: string): Promise<ApplyTarget> {
  const path = await sqlitePath(target);
  if (path !== null) {
    const file = await openSqliteForApply(path);
    return {
      kind: 'sqlite',
      ...file,
      audit: (options) => auditReadOnly(target, options),
    };
  }
  if (/^(mysql|mariadb):\/\//i.test(target)) {
    const server = await openMysqlUrl(target);
    if (server.database === null) {
      await server.close().catch(() => undefined);
      throw new UserError(
        'dbdoctor apply on MySQL/MariaDB needs a database in the URL (mysql://user@host/database): its journal is kept there',
      );
    }
    const features = await readFeatures(server.connection).catch(async (error: unknown) => {
      await server.close().catch(() => undefined);
      throw error;
    });
    return {
      kind: 'mysql',
      db: mysqlQueryable(server.connection),
      dialect: mysqlApply(server.connection, features),
      name: server.name,
      audit: (options) => auditReadOnly(target, options),
      close: () => server.close(),
    };
  }
  if (!/^postgres(ql)?:\/\//i.test(target)) throw new UserError(NOT_A_DATABASE);
  const open = await openTarget(target);
  if (open.info.kind !== 'postgres') {
    await open.close().catch(() => undefined);
    throw new UserError(NOT_A_DATABASE);
  }
  const pg = asPostgresTarget(open);
  return {
    kind: 'postgres',
    db: open.db,
    dialect: postgresApply,
    name: open.info.name,
    audit: (options) => auditTarget(pg, options),
    close: () => open.close(),
  };
}
