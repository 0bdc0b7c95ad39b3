/**
 * PostgreSQL's DDL emitter: fix actions to statements. Indexes are built and dropped
 * CONCURRENTLY where PostgreSQL allows it (never on a partitioned table), every statement is
 * guarded by IF [NOT] EXISTS so a rerun skips what is done, and the way back rebuilds each
 * dropped index exactly as `pg_get_indexdef` printed it (plus tablespace and comment).
 */
import type { DdlEmitter, EmittedAction, FixAction, IndexSpec, MigrationSettings, Statement } from '../../model/actions.js';
import type { Index, QualifiedName } from '../../model/types.js';
import { renderKeys, type KeySyntax } from '../../semantics/render.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../../sql/quote.js';
import { formatDuration } from './duration.js';

/** PostgreSQL's key syntax: every clause. */
const POSTGRES_KEY_SYNTAX: KeySyntax = { quoteIdent, keyCollations: true, operatorClasses: true, nullsOrdering: true };

/**
 * Position of `keyword` in a deparsed statement, outside quoted identifiers, string literals and
 * parentheses, so that a name like `"a WHERE b"` or a literal in a predicate is never taken for a
 * clause; -1 when absent. Only ever applied to text the server printed (`pg_get_indexdef`).
 */
export function topLevelIndexOf(sql: string, keyword: string): number {
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '"' || ch === "'") {
      // Deparsed text doubles a quote inside quotes (also in E'' literals).
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      i = j;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && sql.startsWith(keyword, i)) return i;
  }
  return -1;
}

/** Adds the tablespace, which pg_get_indexdef omits, where it belongs: before the WHERE clause. */
function withTablespace(definition: string, index: Index): string {
  if (!index.tablespace) return definition;
  const where = index.predicate !== null ? topLevelIndexOf(definition, ' WHERE ') : -1;
  const clause = ` TABLESPACE ${quoteIdent(index.tablespace)}`;
  return where >= 0 ? definition.slice(0, where) + clause + definition.slice(where) : definition + clause;
}

function createEffect(index: QualifiedName & { readonly table: string }, concurrently: boolean): Statement['effect'] {
  return { kind: 'create-index', schema: index.schema, table: index.table, name: index.name, concurrently };
}

/**
 * Rebuilds an existing index exactly as `pg_get_indexdef` printed it, concurrently where
 * PostgreSQL allows that. A partitioned index is rebuilt over all partitions (without ONLY,
 * which would leave it invalid) and cannot be built concurrently.
 */
export function recreateIndex(index: Index): Statement {
  const concurrently = index.partitioned ? '' : 'CONCURRENTLY ';
  let sql = index.definition.replace(
    /^CREATE (UNIQUE )?INDEX /,
    (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX ${concurrently}IF NOT EXISTS `,
  );
  if (index.partitioned) {
    const only = topLevelIndexOf(sql, ' ON ONLY ');
    if (only >= 0) sql = `${sql.slice(0, only)} ON ${sql.slice(only + ' ON ONLY '.length)}`;
  }
  return { sql: withTablespace(sql, index), effect: createEffect(index, !index.partitioned) };
}

/** Creates a partitioned index on the partitioned table alone (`ON ONLY`): INVALID until every partition's index is attached. */
function recreateIndexOnly(index: Index): Statement {
  let sql = index.definition.replace(
    /^CREATE (UNIQUE )?INDEX /,
    (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX IF NOT EXISTS `,
  );
  if (topLevelIndexOf(sql, ' ON ONLY ') < 0) {
    const on = topLevelIndexOf(sql, ' ON ');
    if (on >= 0) sql = `${sql.slice(0, on)} ON ONLY ${sql.slice(on + ' ON '.length)}`;
  }
  return { sql: withTablespace(sql, index), effect: createEffect(index, false) };
}

function commentOn(index: { readonly schema: string; readonly name: string; readonly comment: string | null }): Statement[] {
  return index.comment === null
    ? []
    : [
        {
          sql: `COMMENT ON INDEX ${quoteQualified(index.schema, index.name)} IS ${quoteLiteral(index.comment)}`,
          effect: { kind: 'comment', schema: index.schema, name: index.name },
        },
      ];
}

function dropIndex(index: QualifiedName & { readonly table: string; readonly partitioned: boolean }): Statement {
  return {
    sql: `DROP INDEX ${index.partitioned ? '' : 'CONCURRENTLY '}IF EXISTS ${quoteQualified(index.schema, index.name)}`,
    effect: { kind: 'drop-index', schema: index.schema, table: index.table, name: index.name, concurrently: !index.partitioned },
  };
}

function attach(parent: QualifiedName, child: QualifiedName): Statement {
  return {
    sql: `ALTER INDEX ${quoteQualified(parent.schema, parent.name)} ATTACH PARTITION ${quoteQualified(child.schema, child.name)}`,
    effect: { kind: 'attach-index', parent, child },
  };
}

/**
 * Recreates a partitioned index and every partition index attached to it under their own names,
 * exactly as they were: each leaf index is built concurrently, the partitioned ones `ON ONLY`,
 * then each is attached to its parent, bottom-up, so the parent ends valid without ever locking
 * a partition for a build. Comments come last.
 */
function restorePartitioned(index: Index, attached: readonly Index[]): Statement[] {
  const statements: Statement[] = [];
  const comments: Statement[] = [];
  const visit = (current: Index): void => {
    const children = attached.filter((i) => i.parentIndex?.schema === current.schema && i.parentIndex.name === current.name);
    if (current.partitioned) {
      for (const child of children) visit(child);
      statements.push(recreateIndexOnly(current));
      for (const child of children) statements.push(attach(current, child));
    } else {
      statements.push(recreateIndex(current));
    }
    comments.push(...commentOn(current));
  };
  visit(index);
  return [...statements, ...comments];
}

/** `CREATE INDEX` for a new index; `only` builds it on a partitioned table alone. */
function createStatement(spec: IndexSpec, options: { readonly concurrently: boolean; readonly only: boolean }): Statement {
  const parts = [
    `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX ${options.concurrently ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ${quoteIdent(spec.name)}`,
    `ON ${options.only ? 'ONLY ' : ''}${quoteQualified(spec.schema, spec.table)}`,
    ...(spec.method !== 'btree' ? [`USING ${spec.method}`] : []),
    `(${renderKeys(spec.keys, POSTGRES_KEY_SYNTAX)})`,
    ...(spec.include.length > 0 ? [`INCLUDE (${spec.include.map(quoteIdent).join(', ')})`] : []),
    ...(spec.nullsNotDistinct ? ['NULLS NOT DISTINCT'] : []),
    ...(spec.storageParameters.length > 0 ? [`WITH (${spec.storageParameters.join(', ')})`] : []),
    ...(spec.tablespace ? [`TABLESPACE ${quoteIdent(spec.tablespace)}`] : []),
    ...(spec.predicate !== null ? [`WHERE ${spec.predicate}`] : []),
  ];
  return { sql: parts.join(' '), effect: createEffect(spec, options.concurrently) };
}

function emitCreate(action: Extract<FixAction, { kind: 'create-index' }>): EmittedAction {
  const spec = action.index;
  const dropNew: Statement = dropIndex({ ...spec, partitioned: action.onPartitionedTable });
  if (!action.onPartitionedTable) {
    return {
      up: [createStatement(spec, { concurrently: true, only: false }), ...commentOn(spec)],
      down: [dropNew],
      outsideTransaction: true,
      notes: ['CREATE INDEX CONCURRENTLY does not block writes but scans the table twice; if it fails it leaves an INVALID index to drop.'],
      irreversible: null,
    };
  }
  // A partitioned table cannot be indexed CONCURRENTLY: the parent index ON ONLY (invalid, no lock on
  // the partitions), each partition's index built concurrently, then attached.
  const up: Statement[] = [createStatement(spec, { concurrently: false, only: true })];
  for (const partition of action.partitions) {
    up.push(createStatement(partition.index, { concurrently: !partition.partitioned, only: false }));
    up.push(attach(spec, partition.index));
  }
  return {
    up: [...up, ...commentOn(spec)],
    down: [dropNew],
    outsideTransaction: true,
    notes: [
      action.partitions.length > 0
        ? 'Partition indexes are built concurrently and attached; dropping the parent index (down) drops them too and takes a brief ACCESS EXCLUSIVE lock.'
        : 'Indexes on partitioned tables cannot be built CONCURRENTLY: this blocks writes to every partition while it builds.',
    ],
    irreversible: null,
  };
}

/** Why an index cannot be rebuilt as it was, or null. */
function whyNotRestorable(index: Index): string | null {
  if (index.valid) return null;
  return /_ccnew\d*$|_ccold\d*$/.test(index.name)
    ? `${index.name} was a leftover of an interrupted REINDEX CONCURRENTLY that no query could use: nothing to restore`
    : `${index.name} was INVALID (a failed build): rebuilding it would fail again or create an index that was never there, so the way back leaves it out`;
}

function emitDrop(index: Index, attached: readonly Index[]): EmittedAction {
  const notes: string[] = [];
  if (index.partitioned) {
    notes.push(
      'Indexes on partitioned tables cannot be dropped or built CONCURRENTLY: this takes an ACCESS EXCLUSIVE lock on the table and its partitions; run it at a quiet time.',
    );
    if (attached.length > 0) {
      notes.push(
        `Dropping it also drops the ${attached.length} partition index(es) attached to it; down recreates each under its own name and re-attaches it.`,
      );
    }
  }
  const irreversible = whyNotRestorable(index);
  const down =
    irreversible !== null ? [] : index.partitioned ? restorePartitioned(index, attached) : [recreateIndex(index), ...commentOn(index)];
  return { up: [dropIndex(index)], down, outsideTransaction: true, notes, irreversible };
}

/**
 * Drops the UNIQUE or PRIMARY KEY constraint an index implements (the index goes with it). The way
 * back builds the index concurrently, then attaches it (`ADD CONSTRAINT … USING INDEX`), which holds
 * the strong lock only for a moment; on a partitioned table (where USING INDEX is refused) the
 * constraint is added again from its definition.
 */
function emitDropConstraint(index: Index): EmittedAction {
  const constraint = index.constraint!;
  const table = quoteQualified(index.schema, index.table);
  const name = quoteIdent(constraint.name);
  const up: Statement[] = [
    {
      sql: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`,
      effect: { kind: 'drop-constraint', schema: index.schema, table: index.table, name: constraint.name },
    },
  ];
  const addEffect = (usingIndex: string | null): Statement['effect'] => ({
    kind: 'add-constraint',
    schema: index.schema,
    table: index.table,
    name: constraint.name,
    usingIndex,
  });
  if (index.partitioned) {
    return {
      up,
      down: [{ sql: `ALTER TABLE ${table} ADD CONSTRAINT ${name} ${constraint.definition}`, effect: addEffect(null) }, ...commentOn(index)],
      outsideTransaction: false,
      notes: [
        'On a partitioned table the way back adds the constraint from its definition, which builds the index on every partition under lock.',
      ],
      irreversible: null,
    };
  }
  const kind = constraint.type === 'primary' ? 'PRIMARY KEY' : 'UNIQUE';
  // pg_get_constraintdef ends with these clauses; a quoted column or tablespace name may contain the words too.
  const deferral = !constraint.immediate
    ? / INITIALLY DEFERRED$/.test(constraint.definition)
      ? ' DEFERRABLE INITIALLY DEFERRED'
      : ' DEFERRABLE'
    : '';
  return {
    up,
    down: [
      recreateIndex(index),
      {
        sql: `ALTER TABLE ${table} ADD CONSTRAINT ${name} ${kind} USING INDEX ${quoteIdent(index.name)}${deferral}`,
        effect: addEffect(index.name),
      },
      ...commentOn(index),
    ],
    outsideTransaction: true,
    notes: [
      'Dropping a constraint takes a brief ACCESS EXCLUSIVE lock on the table; the down migration rebuilds the index concurrently first.',
    ],
    irreversible: null,
  };
}

/**
 * `ADD PRIMARY KEY USING INDEX`: a brief ACCESS EXCLUSIVE lock, nothing built. The way back drops
 * the constraint (which drops its index too) and builds the unique index again, exactly as it was.
 */
function emitAddPrimaryKey(index: Index): EmittedAction {
  const table = quoteQualified(index.schema, index.table);
  return {
    up: [
      {
        sql: `ALTER TABLE ${table} ADD PRIMARY KEY USING INDEX ${quoteIdent(index.name)}`,
        effect: { kind: 'add-constraint', schema: index.schema, table: index.table, name: index.name, usingIndex: index.name },
      },
    ],
    down: [
      {
        sql: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${quoteIdent(index.name)}`,
        effect: { kind: 'drop-constraint', schema: index.schema, table: index.table, name: index.name },
      },
      recreateIndex(index),
      ...commentOn(index),
    ],
    outsideTransaction: true,
    notes: [
      `ADD PRIMARY KEY USING INDEX takes a brief ACCESS EXCLUSIVE lock on ${index.schema}.${index.table} but builds nothing: ${index.name} becomes the primary key under its own name.`,
    ],
    irreversible: null,
  };
}

/** PostgreSQL's emitter. */
export const postgresEmitter: DdlEmitter = {
  dialect: 'postgres',
  keySyntax: POSTGRES_KEY_SYNTAX,
  emit(action: FixAction): EmittedAction {
    switch (action.kind) {
      case 'create-index':
        return emitCreate(action);
      case 'drop-index':
        return emitDrop(action.index, action.attached);
      case 'drop-constraint':
        return emitDropConstraint(action.index);
      case 'add-primary-key':
        return emitAddPrimaryKey(action.index);
      case 'hide-index':
        throw new Error('PostgreSQL has no invisible indexes: a hide-index action cannot be emitted for it');
    }
  },
  sessionSettings(settings: MigrationSettings): readonly string[] {
    return [
      `SET lock_timeout = '${formatDuration(settings.lockTimeoutMs)}'`,
      `SET statement_timeout = '${formatDuration(settings.statementTimeoutMs)}'`,
    ];
  },
  resetSettings(): readonly string[] {
    return ['RESET lock_timeout', 'RESET statement_timeout'];
  },
  describeCreate(index: IndexSpec): string {
    return createStatement(index, { concurrently: false, only: false }).sql.replace(' IF NOT EXISTS', '');
  },
  describeSurrogateKey(table: QualifiedName): string {
    return `an identity column (ALTER TABLE ${table.schema}.${table.name} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, which rewrites the table under an ACCESS EXCLUSIVE lock)`;
  },
  costWithoutPrimaryKey: 'logical replication cannot replicate its UPDATE and DELETE without a primary key or a REPLICA IDENTITY',
};
