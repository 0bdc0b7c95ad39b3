/**
 * MySQL/MariaDB's DDL emitter: fix actions to `ALTER TABLE` statements. An ordinary (btree) index is
 * dropped and built `ALGORITHM=INPLACE, LOCK=NONE` (InnoDB keeps taking writes; the server refuses
 * the statement rather than lock the table where it cannot), and the way back adds the dropped index
 * exactly as `SHOW CREATE TABLE` printed it. MySQL has no `IF EXISTS` for an index before MariaDB,
 * so `apply` decides from the catalog whether a statement is done.
 */
import type { DdlEmitter, EmittedAction, FixAction, IndexSpec, KeySyntax, MigrationSettings, Statement } from '../../model/actions.js';
import type { Index } from '../../model/types.js';
import { renderKeys } from '../../semantics/render.js';
import { quoteMysqlIdentifier, quoteMysqlString } from './definition.js';

/** MySQL's key syntax: prefix lengths and DESC; a key's collation is its column's, and there are no operator classes. */
const MYSQL_KEY_SYNTAX: KeySyntax = {
  quoteIdent: quoteMysqlIdentifier,
  keyCollations: false,
  operatorClasses: false,
  nullsOrdering: false,
};

/** How the server hides an index from the optimizer: MySQL 8 INVISIBLE, MariaDB 10.6+ IGNORED. */
export type MysqlVisibility = 'invisible' | 'ignored' | null;

function table(index: { readonly schema: string; readonly table: string }): string {
  return `${quoteMysqlIdentifier(index.schema)}.${quoteMysqlIdentifier(index.table)}`;
}

/** Online where InnoDB can: FULLTEXT and SPATIAL indexes are built under a shared lock (writes wait). */
function online(method: string): string {
  return method === 'fulltext' || method === 'spatial' ? 'ALGORITHM=INPLACE, LOCK=SHARED' : 'ALGORITHM=INPLACE, LOCK=NONE';
}

/** The definition as `ADD` takes it: `SHOW CREATE TABLE`'s line, with MySQL's versioned INVISIBLE comment unwrapped. */
function addClause(index: Index): string {
  const definition = index.definition.replace(/ \/\*!80000 INVISIBLE \*\/$/, ' INVISIBLE');
  return `ADD ${definition}`;
}

function dropStatement(index: Index): Statement {
  const what = index.primary ? 'DROP PRIMARY KEY' : `DROP INDEX ${quoteMysqlIdentifier(index.name)}`;
  return {
    sql: `ALTER TABLE ${table(index)} ${what}, ${online(index.method)}`,
    effect: index.constraint
      ? { kind: 'drop-constraint', schema: index.schema, table: index.table, name: index.name }
      : { kind: 'drop-index', schema: index.schema, table: index.table, name: index.name, concurrently: true },
  };
}

function restoreStatement(index: Index): Statement {
  return {
    sql: `ALTER TABLE ${table(index)} ${addClause(index)}, ${online(index.method)}`,
    effect: index.constraint
      ? { kind: 'add-constraint', schema: index.schema, table: index.table, name: index.name, usingIndex: null }
      : { kind: 'create-index', schema: index.schema, table: index.table, name: index.name, concurrently: true },
  };
}

function visibilityClause(visibility: Exclude<MysqlVisibility, null>, visible: boolean): string {
  if (visibility === 'ignored') return visible ? 'NOT IGNORED' : 'IGNORED';
  return visible ? 'VISIBLE' : 'INVISIBLE';
}

function setVisibility(index: Index, visibility: Exclude<MysqlVisibility, null>, visible: boolean): Statement {
  return {
    sql: `ALTER TABLE ${table(index)} ALTER INDEX ${quoteMysqlIdentifier(index.name)} ${visibilityClause(visibility, visible)}`,
    effect: { kind: 'set-visibility', schema: index.schema, table: index.table, name: index.name, visible },
  };
}

/** `ALTER TABLE … ADD INDEX` for a new index. */
function createStatement(spec: IndexSpec): Statement {
  const kind =
    spec.method === 'fulltext' ? 'FULLTEXT INDEX' : spec.method === 'spatial' ? 'SPATIAL INDEX' : spec.unique ? 'UNIQUE INDEX' : 'INDEX';
  const using = spec.method === 'hash' ? ' USING HASH' : '';
  const comment = spec.comment !== null ? ` COMMENT ${quoteMysqlString(spec.comment)}` : '';
  return {
    sql: `ALTER TABLE ${table(spec)} ADD ${kind} ${quoteMysqlIdentifier(spec.name)} (${renderKeys(spec.keys, MYSQL_KEY_SYNTAX)})${using}${comment}, ${online(spec.method)}`,
    effect: { kind: 'create-index', schema: spec.schema, table: spec.table, name: spec.name, concurrently: true },
  };
}

function dropNew(spec: IndexSpec): Statement {
  return {
    sql: `ALTER TABLE ${table(spec)} DROP INDEX ${quoteMysqlIdentifier(spec.name)}, ${online(spec.method)}`,
    effect: { kind: 'drop-index', schema: spec.schema, table: spec.table, name: spec.name, concurrently: true },
  };
}

const ENGINE_NOTE =
  'ALGORITHM=INPLACE, LOCK=NONE keeps InnoDB tables writable (brief metadata locks at start and end); MyISAM and MEMORY tables refuse it: remove the clause there, and the table is locked while it runs.';

function emitDrop(index: Index, visibility: MysqlVisibility): EmittedAction {
  const hideFirst =
    visibility !== null && index.visible !== false
      ? [
          `To try it first without dropping: ${setVisibility(index, visibility, false).sql}; the optimizer ignores the index while writes keep it up to date, and ${setVisibility(index, visibility, true).sql} undoes it at once.`,
        ]
      : [];
  return {
    up: [dropStatement(index)],
    down: [restoreStatement(index)],
    outsideTransaction: true,
    notes: [ENGINE_NOTE, 'MySQL commits DDL implicitly: each statement is its own step.', ...hideFirst],
    irreversible: null,
  };
}

function emitPrimaryKey(index: Index): EmittedAction {
  const statement = `ALTER TABLE ${table(index)} ADD PRIMARY KEY (${renderKeys(index.keys, MYSQL_KEY_SYNTAX)}), DROP INDEX ${quoteMysqlIdentifier(index.name)}`;
  return {
    up: [
      {
        sql: statement,
        effect: { kind: 'add-constraint', schema: index.schema, table: index.table, name: 'PRIMARY', usingIndex: index.name },
      },
    ],
    down: [
      {
        sql: `ALTER TABLE ${table(index)} DROP PRIMARY KEY, ${addClause(index)}`,
        effect: { kind: 'drop-constraint', schema: index.schema, table: index.table, name: 'PRIMARY' },
      },
    ],
    outsideTransaction: true,
    notes: [`On InnoDB a new primary key rebuilds ${index.schema}.${index.table} (its rows are stored in primary-key order).`],
    irreversible: null,
  };
}

/** The emitter for a server that hides indexes the way `visibility` says (null: it cannot). */
export function mysqlEmitter(visibility: MysqlVisibility): DdlEmitter {
  return {
    dialect: 'mysql',
    keySyntax: MYSQL_KEY_SYNTAX,
    emit(action: FixAction): EmittedAction {
      switch (action.kind) {
        case 'create-index':
          return {
            up: [createStatement(action.index)],
            down: [dropNew(action.index)],
            outsideTransaction: true,
            notes: [ENGINE_NOTE],
            irreversible: null,
          };
        case 'drop-index':
        case 'drop-constraint':
          return emitDrop(action.index, visibility);
        case 'add-primary-key':
          return emitPrimaryKey(action.index);
        case 'hide-index':
          if (visibility === null) throw new Error('this server cannot hide an index (MySQL 8 INVISIBLE, MariaDB 10.6 IGNORED)');
          return {
            up: [setVisibility(action.index, visibility, false)],
            down: [setVisibility(action.index, visibility, true)],
            outsideTransaction: true,
            notes: [],
            irreversible: null,
          };
      }
    },
    sessionSettings(settings: MigrationSettings): readonly string[] {
      // lock_wait_timeout is in seconds (metadata locks, which every ALTER TABLE takes); max_statement_time (MariaDB) / max_execution_time (MySQL, SELECT only) are left alone.
      return [`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(settings.lockTimeoutMs / 1000))}`];
    },
    resetSettings(): readonly string[] {
      return ['SET SESSION lock_wait_timeout = DEFAULT'];
    },
    describeCreate(index: IndexSpec): string {
      return createStatement(index).sql.replace(/, ALGORITHM=.*$/, '');
    },
  };
}
