import type { Index, QualifiedName } from '../../model/types.js';
import type { Fix } from '../../rules/types.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../../sql/quote.js';

/**
 * Position of `keyword` in a deparsed statement, outside quoted identifiers, string literals and
 * parentheses, so that a name like `"a WHERE b"` or a literal in a predicate is never taken for a
 * clause; -1 when absent.
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

/**
 * Recreates an index exactly as `pg_get_indexdef` printed it, built without blocking writes
 * where PostgreSQL allows that. A partitioned index is rebuilt over all partitions (without
 * ONLY, which would leave it invalid) and cannot be built concurrently.
 */
export function createIndexStatement(index: Index): string {
  let definition = index.definition;
  const concurrently = index.partitioned ? '' : 'CONCURRENTLY ';
  definition = definition.replace(
    /^CREATE (UNIQUE )?INDEX /,
    (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX ${concurrently}IF NOT EXISTS `,
  );
  if (index.partitioned) {
    const only = topLevelIndexOf(definition, ' ON ONLY ');
    if (only >= 0) definition = `${definition.slice(0, only)} ON ${definition.slice(only + ' ON ONLY '.length)}`;
  }
  return withTablespace(definition, index);
}

/** Statements that restore an index's comment, if it had one. */
export function commentStatements(index: Index): string[] {
  return index.comment === null ? [] : [`COMMENT ON INDEX ${quoteQualified(index.schema, index.name)} IS ${quoteLiteral(index.comment)}`];
}

/** Drops an index without blocking writes where PostgreSQL allows it. */
export function dropIndexStatement(index: QualifiedName & { readonly partitioned: boolean }): string {
  return `DROP INDEX ${index.partitioned ? '' : 'CONCURRENTLY '}IF EXISTS ${quoteQualified(index.schema, index.name)}`;
}

/**
 * The fix that removes an index, with the exact way back. An index that backs a UNIQUE or
 * PRIMARY KEY constraint goes through the constraint, and comes back by building the index
 * concurrently and then attaching it (`ADD CONSTRAINT … USING INDEX`), which holds the
 * strong lock only for a moment.
 */
export function dropIndexFix(index: Index): Fix {
  const notes: string[] = [];
  if (index.partitioned) {
    notes.push(
      'Indexes on partitioned tables cannot be dropped or built CONCURRENTLY: this takes an ACCESS EXCLUSIVE lock on the table and its partitions; run it at a quiet time.',
    );
  }
  if (index.constraint && index.constraint.type !== 'exclusion') {
    const table = quoteQualified(index.schema, index.table);
    const constraint = quoteIdent(index.constraint.name);
    const kind = index.constraint.type === 'primary' ? 'PRIMARY KEY' : 'UNIQUE';
    // pg_get_constraintdef ends with these clauses; a quoted column or tablespace name may contain the words too.
    const deferral = !index.constraint.immediate
      ? / INITIALLY DEFERRED$/.test(index.constraint.definition)
        ? ' DEFERRABLE INITIALLY DEFERRED'
        : ' DEFERRABLE'
      : '';
    if (index.partitioned) {
      // ADD CONSTRAINT … USING INDEX is refused on partitioned tables: re-add the constraint from its definition.
      return {
        up: [`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${constraint}`],
        down: [`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} ${index.constraint.definition}`, ...commentStatements(index)],
        transactional: false,
        notes,
      };
    }
    notes.push(
      'Dropping a constraint takes a brief ACCESS EXCLUSIVE lock on the table; the down migration rebuilds the index concurrently first.',
    );
    return {
      up: [`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${constraint}`],
      down: [
        createIndexStatement(index),
        `ALTER TABLE ${table} ADD CONSTRAINT ${constraint} ${kind} USING INDEX ${quoteIdent(index.name)}${deferral}`,
        ...commentStatements(index),
      ],
      transactional: false,
      notes,
    };
  }
  return {
    up: [dropIndexStatement(index)],
    down: [createIndexStatement(index), ...commentStatements(index)],
    transactional: index.partitioned,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * Creates a partitioned index on the partitioned table alone (`ON ONLY`): it stays INVALID
 * until an index is attached for every partition, and takes no lock on the partitions.
 */
export function createIndexOnlyStatement(index: Index): string {
  let definition = index.definition.replace(
    /^CREATE (UNIQUE )?INDEX /,
    (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX IF NOT EXISTS `,
  );
  if (topLevelIndexOf(definition, ' ON ONLY ') < 0) {
    const on = topLevelIndexOf(definition, ' ON ');
    if (on >= 0) definition = `${definition.slice(0, on)} ON ONLY ${definition.slice(on + ' ON '.length)}`;
  }
  return withTablespace(definition, index);
}

/** Attaches a partition's index to the partitioned index it belongs to. */
export function attachIndexStatement(parent: QualifiedName, child: QualifiedName): string {
  return `ALTER INDEX ${quoteQualified(parent.schema, parent.name)} ATTACH PARTITION ${quoteQualified(child.schema, child.name)}`;
}

/**
 * Recreates a partitioned index and every partition index attached to it under their own names,
 * exactly as they were: each leaf index is built concurrently, the partitioned ones `ON ONLY`,
 * then each is attached to its parent, bottom-up, so the parent ends valid without ever locking
 * a partition for a build. (`CREATE INDEX` on the parent would build new partition indexes with
 * generated names.) `indexes` is every index of the model; comments come last.
 */
export function restorePartitionedIndexStatements(index: Index, indexes: readonly Index[]): string[] {
  const statements: string[] = [];
  const comments: string[] = [];
  const visit = (current: Index): void => {
    const children = indexes.filter((i) => i.parentIndex?.schema === current.schema && i.parentIndex.name === current.name);
    if (current.partitioned) {
      for (const child of children) visit(child);
      statements.push(createIndexOnlyStatement(current));
      for (const child of children) statements.push(attachIndexStatement(current, child));
    } else {
      statements.push(createIndexStatement(current));
    }
    comments.push(...commentStatements(current));
  };
  visit(index);
  return [...statements, ...comments];
}
