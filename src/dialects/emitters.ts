/** The DDL emitter of each dialect (actions to statements). */
import type { DdlEmitter } from '../model/actions.js';
import type { Capabilities, Dialect, Table } from '../model/types.js';
import { mysqlEmitter } from './mysql/ddl.js';
import { formatDuration } from './postgres/duration.js';
import { postgresEmitter } from './postgres/ddl.js';
import { sqliteEmitter } from './sqlite/ddl.js';

/**
 * The emitter for a dialect, or null when dbdoctor cannot write its DDL. MySQL's depends on how the
 * server hides an index (MySQL 8 INVISIBLE, MariaDB IGNORED), which the model's capabilities say
 * (without them the hiding step is left out), and on each table's storage engine, which the
 * model's tables say (an index of a MyISAM or MEMORY table cannot change in place).
 */
export function emitterFor(
  dialect: Dialect,
  capabilities?: Pick<Capabilities, 'indexVisibility'>,
  tables: readonly Pick<Table, 'schema' | 'name' | 'engine'>[] = [],
): DdlEmitter | null {
  switch (dialect) {
    case 'postgres':
      return postgresEmitter;
    case 'mysql':
      return mysqlEmitter(
        capabilities?.indexVisibility ?? null,
        (t) => tables.find((x) => x.schema === t.schema && x.name === t.table)?.engine ?? null,
      );
    case 'sqlite':
      return sqliteEmitter;
  }
}

/**
 * How an apply session's timeouts read in each dialect's own settings: PostgreSQL's lock_timeout
 * and statement_timeout; MySQL's lock_wait_timeout (whole seconds), with MariaDB's
 * max_statement_time (MySQL has no statement timeout for DDL: its max_execution_time bounds
 * SELECT only); SQLite's busy_timeout (no statement timeout). `server` tells MariaDB from MySQL
 * when it is known (a connected apply), else both are said.
 */
export function describeApplyTimeouts(
  dialect: Dialect,
  lockTimeoutMs: number,
  statementTimeoutMs: number,
  server?: 'mysql' | 'mariadb',
): string {
  switch (dialect) {
    case 'postgres':
      return `lock_timeout ${formatDuration(lockTimeoutMs)}, statement_timeout ${formatDuration(statementTimeoutMs)}`;
    case 'mysql': {
      const lock = `lock_wait_timeout ${Math.max(1, Math.ceil(lockTimeoutMs / 1000))}s`;
      const statement = `max_statement_time ${statementTimeoutMs === 0 ? '0 (none)' : formatDuration(statementTimeoutMs)}`;
      if (server === 'mariadb') return `${lock}, ${statement}`;
      if (server === 'mysql') return `${lock} (MySQL has no statement timeout for DDL)`;
      return `${lock}; on MariaDB ${statement} (MySQL has no statement timeout for DDL)`;
    }
    case 'sqlite':
      return `busy_timeout ${lockTimeoutMs}ms (SQLite has no statement timeout)`;
  }
}
