/**
 * MySQL/MariaDB's DDL emitter: fix actions to `ALTER TABLE` statements. An ordinary (btree) index is
 * dropped and built `ALGORITHM=INPLACE, LOCK=NONE` (InnoDB keeps taking writes; the server refuses
 * the statement rather than lock the table where it cannot), and the way back adds the dropped index
 * exactly as `SHOW CREATE TABLE` printed it. MySQL has no `IF EXISTS` for an index before MariaDB,
 * so `apply` decides from the catalog whether a statement is done.
 */
import type { DdlEmitter, EmittedAction, FixAction, IndexSpec, KeySyntax, MigrationSettings, Statement } from '../../model/actions.js';
import type { Index, QualifiedName } from '../../model/types.js';
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

/** The storage engine of a table (`InnoDB`, `MyISAM`, `MEMORY`), or null when not known. */
export type EngineOf = (table: { readonly schema: string; readonly table: string }) => string | null;

/**
 * Online where InnoDB can: FULLTEXT and SPATIAL indexes are built under a shared lock (writes wait).
 * Other engines (MyISAM, MEMORY) refuse ALGORITHM=INPLACE for an index (error 1845) and copy the
 * table under a lock whatever is asked: their statements carry no clause, so that they run as written.
 * Where the engine is not known the clause stays: the server refuses rather than lock the table.
 */
function online(method: string, engine: string | null): string {
  if (engine !== null && engine.toLowerCase() !== 'innodb') return '';
  return method === 'fulltext' || method === 'spatial' ? ', ALGORITHM=INPLACE, LOCK=SHARED' : ', ALGORITHM=INPLACE, LOCK=NONE';
}

/** The definition as `ADD` takes it: `SHOW CREATE TABLE`'s line, with MySQL's versioned INVISIBLE comment unwrapped. */
function addClause(index: Index): string {
  const definition = index.definition.replace(/ \/\*!80000 INVISIBLE \*\/$/, ' INVISIBLE');
  return `ADD ${definition}`;
}

function dropStatement(index: Index, engineOf: EngineOf): Statement {
  const what = index.primary ? 'DROP PRIMARY KEY' : `DROP INDEX ${quoteMysqlIdentifier(index.name)}`;
  return {
    sql: `ALTER TABLE ${table(index)} ${what}${online(index.method, engineOf(index))}`,
    effect: index.constraint
      ? { kind: 'drop-constraint', schema: index.schema, table: index.table, name: index.name }
      : { kind: 'drop-index', schema: index.schema, table: index.table, name: index.name, concurrently: true },
  };
}

function restoreStatement(index: Index, engineOf: EngineOf): Statement {
  return {
    sql: `ALTER TABLE ${table(index)} ${addClause(index)}${online(index.method, engineOf(index))}`,
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
function createStatement(spec: IndexSpec, engineOf: EngineOf): Statement {
  const kind =
    spec.method === 'fulltext' ? 'FULLTEXT INDEX' : spec.method === 'spatial' ? 'SPATIAL INDEX' : spec.unique ? 'UNIQUE INDEX' : 'INDEX';
  const using = spec.method === 'hash' ? ' USING HASH' : '';
  const comment = spec.comment !== null ? ` COMMENT ${quoteMysqlString(spec.comment)}` : '';
  return {
    sql: `ALTER TABLE ${table(spec)} ADD ${kind} ${quoteMysqlIdentifier(spec.name)} (${renderKeys(spec.keys, MYSQL_KEY_SYNTAX)})${using}${comment}${online(spec.method, engineOf(spec))}`,
    effect: { kind: 'create-index', schema: spec.schema, table: spec.table, name: spec.name, concurrently: true },
  };
}

function dropNew(spec: IndexSpec, engineOf: EngineOf): Statement {
  return {
    sql: `ALTER TABLE ${table(spec)} DROP INDEX ${quoteMysqlIdentifier(spec.name)}${online(spec.method, engineOf(spec))}`,
    effect: { kind: 'drop-index', schema: spec.schema, table: spec.table, name: spec.name, concurrently: true },
  };
}

const ENGINE_NOTE =
  'ALGORITHM=INPLACE, LOCK=NONE keeps InnoDB tables writable (brief metadata locks at start and end); MyISAM and MEMORY tables refuse it: remove the clause there, and the table is locked while it runs.';

/** What a statement without the clause means for the application. */
function engineNote(table: { readonly schema: string; readonly table: string }, engineOf: EngineOf): string {
  const engine = engineOf(table);
  if (engine === null || engine.toLowerCase() === 'innodb') return ENGINE_NOTE;
  return `${table.schema}.${table.table} is a ${engine} table: it cannot change an index in place, so the table is copied and writes wait while it runs.`;
}

function emitDrop(index: Index, visibility: MysqlVisibility, engineOf: EngineOf): EmittedAction {
  const hideFirst =
    visibility !== null && index.visible !== false
      ? [
          `To try it first without dropping: ${setVisibility(index, visibility, false).sql}; the optimizer ignores the index while writes keep it up to date, and ${setVisibility(index, visibility, true).sql} undoes it at once.`,
        ]
      : [];
  return {
    up: [dropStatement(index, engineOf)],
    down: [restoreStatement(index, engineOf)],
    outsideTransaction: true,
    notes: [engineNote(index, engineOf), 'MySQL commits DDL implicitly: each statement is its own step.', ...hideFirst],
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

/**
 * The emitter for a server that hides indexes the way `visibility` says (null: it cannot), whose
 * tables are stored by the engines `engineOf` gives (statements for tables it does not know keep
 * the InnoDB clause).
 */
export function mysqlEmitter(visibility: MysqlVisibility, engineOf: EngineOf = () => null): DdlEmitter {
  return {
    dialect: 'mysql',
    keySyntax: MYSQL_KEY_SYNTAX,
    emit(action: FixAction): EmittedAction {
      switch (action.kind) {
        case 'create-index':
          return {
            up: [createStatement(action.index, engineOf)],
            down: [dropNew(action.index, engineOf)],
            outsideTransaction: true,
            notes: [engineNote(action.index, engineOf)],
            irreversible: null,
          };
        case 'drop-index':
        case 'drop-constraint':
          return emitDrop(action.index, visibility, engineOf);
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
    describeSurrogateKey(t: QualifiedName): string {
      return `an AUTO_INCREMENT column (ALTER TABLE ${table({ schema: t.schema, table: t.name })} ADD COLUMN id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY FIRST, which rebuilds the table and makes InnoDB store its rows in that order)`;
    },
    costWithoutPrimaryKey:
      'row-based replication has no key to find each row it updates or deletes on a replica by (a table scan where no index serves)',
    describeCreate(index: IndexSpec): string {
      return createStatement(index, engineOf).sql.replace(/, ALGORITHM=.*$/, '');
    },
  };
}
