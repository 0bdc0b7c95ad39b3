/**
 * SQLite's DDL emitter: `DROP INDEX IF EXISTS`, and for the way back the exact `CREATE INDEX` text
 * SQLite keeps in sqlite_schema (so a rebuilt index is the one that was dropped, character for
 * character). SQLite's DDL is transactional: a migration runs in one transaction. Indexes that
 * implement a UNIQUE or PRIMARY KEY constraint (`sqlite_autoindex_…`) cannot be dropped, nor can a
 * primary key be added, without rebuilding the table: the rules never propose either.
 */
import type { DdlEmitter, EmittedAction, FixAction, IndexSpec, KeySyntax, MigrationSettings, Statement } from '../../model/actions.js';
import type { Index, QualifiedName } from '../../model/types.js';
import { renderKeys } from '../../semantics/render.js';
import { quoteSqliteIdentifier } from './map-indexes.js';

/** SQLite's key syntax: COLLATE and DESC per key; no operator classes or NULLS placement. */
const SQLITE_KEY_SYNTAX: KeySyntax = {
  quoteIdent: quoteSqliteIdentifier,
  keyCollations: true,
  operatorClasses: false,
  nullsOrdering: false,
};

function dropStatement(index: { readonly schema: string; readonly table: string; readonly name: string }): Statement {
  return {
    sql: `DROP INDEX IF EXISTS ${quoteSqliteIdentifier(index.schema)}.${quoteSqliteIdentifier(index.name)}`,
    effect: { kind: 'drop-index', schema: index.schema, table: index.table, name: index.name, concurrently: false },
  };
}

function createStatement(spec: IndexSpec, ifNotExists: boolean): Statement {
  const parts = [
    `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX ${ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteSqliteIdentifier(spec.schema)}.${quoteSqliteIdentifier(spec.name)}`,
    `ON ${quoteSqliteIdentifier(spec.table)} (${renderKeys(spec.keys, SQLITE_KEY_SYNTAX)})`,
    ...(spec.predicate !== null ? [`WHERE ${spec.predicate}`] : []),
  ];
  return {
    sql: parts.join(' '),
    effect: { kind: 'create-index', schema: spec.schema, table: spec.table, name: spec.name, concurrently: false },
  };
}

/** The dropped index again, exactly as sqlite_schema holds its CREATE INDEX text. */
function restoreStatement(index: Index): Statement {
  return {
    sql: index.definition,
    effect: { kind: 'create-index', schema: index.schema, table: index.table, name: index.name, concurrently: false },
  };
}

const LOCK_NOTE = 'SQLite locks the whole database for writing while an index is built or dropped.';

function cannot(what: string): never {
  throw new Error(`SQLite cannot ${what} without rebuilding the table: no rule proposes it`);
}

function emitDrop(index: Index): EmittedAction {
  if (index.constraint !== null || index.clustered === true) cannot(`drop the index ${index.name}, which implements a constraint,`);
  return { up: [dropStatement(index)], down: [restoreStatement(index)], outsideTransaction: false, notes: [LOCK_NOTE], irreversible: null };
}

/** SQLite's emitter. */
export const sqliteEmitter: DdlEmitter = {
  dialect: 'sqlite',
  keySyntax: SQLITE_KEY_SYNTAX,
  emit(action: FixAction): EmittedAction {
    switch (action.kind) {
      case 'create-index':
        return {
          up: [createStatement(action.index, true)],
          down: [dropStatement(action.index)],
          outsideTransaction: false,
          notes: [LOCK_NOTE],
          irreversible: null,
        };
      case 'drop-index':
      case 'drop-constraint':
        return emitDrop(action.index);
      case 'add-primary-key':
        return cannot('add a primary key');
      case 'hide-index':
        throw new Error('SQLite cannot hide an index from its planner');
    }
  },
  sessionSettings(settings: MigrationSettings): readonly string[] {
    // How long a statement waits for another connection's lock before SQLITE_BUSY.
    return [`PRAGMA busy_timeout = ${Math.max(0, Math.round(settings.lockTimeoutMs))}`];
  },
  resetSettings(): readonly string[] {
    return ['PRAGMA busy_timeout = 0'];
  },
  describeCreate(index: IndexSpec): string {
    return createStatement(index, false).sql;
  },
  describeSurrogateKey(table: QualifiedName): string {
    return `a rowid alias: SQLite cannot add a primary key to a table, so create the table anew with id INTEGER PRIMARY KEY, copy the rows (INSERT INTO … SELECT) and swap the names (ALTER TABLE ${quoteSqliteIdentifier(table.name)} RENAME TO …) in one transaction`;
  },
  // SQLite replicates nothing itself; without an INTEGER PRIMARY KEY its rowids may change on VACUUM.
  costWithoutPrimaryKey: 'its rowids may change when the file is VACUUMed',
};
