import type { Index, QualifiedName } from '../model/types.js';
import type { Fix } from '../rules/types.js';
import { quoteIdent, quoteLiteral, quoteQualified } from './quote.js';

/**
 * Recreates an index exactly as `pg_get_indexdef` printed it, built without blocking writes
 * where PostgreSQL allows that. A partitioned index is rebuilt over all partitions (without
 * ONLY, which would leave it invalid) and cannot be built concurrently.
 */
export function createIndexStatement(index: Index): string {
  let definition = index.definition;
  const concurrently = index.partitioned ? '' : 'CONCURRENTLY ';
  definition = definition.replace(/^CREATE (UNIQUE )?INDEX /, (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX ${concurrently}IF NOT EXISTS `);
  if (index.partitioned) definition = definition.replace(/ ON ONLY /, ' ON ');
  if (index.tablespace) {
    // pg_get_indexdef omits the tablespace; it belongs before the WHERE clause.
    const using = definition.indexOf(' USING ');
    const where = index.predicate !== null ? definition.indexOf(' WHERE ', using) : -1;
    const clause = ` TABLESPACE ${quoteIdent(index.tablespace)}`;
    definition = where >= 0 ? definition.slice(0, where) + clause + definition.slice(where) : definition + clause;
  }
  return definition;
}

/** Statements that restore an index's comment, if it had one. */
function commentStatements(index: Index): string[] {
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
    notes.push('Indexes on partitioned tables cannot be dropped or built CONCURRENTLY: this takes an ACCESS EXCLUSIVE lock on the table and its partitions; run it at a quiet time.');
  }
  if (index.constraint && index.constraint.type !== 'exclusion') {
    const table = quoteQualified(index.schema, index.table);
    const constraint = quoteIdent(index.constraint.name);
    const kind = index.constraint.type === 'primary' ? 'PRIMARY KEY' : 'UNIQUE';
    const deferral = /\bDEFERRABLE\b/.test(index.constraint.definition)
      ? (/INITIALLY DEFERRED/.test(index.constraint.definition) ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE')
      : '';
    notes.push('Dropping a constraint takes a brief ACCESS EXCLUSIVE lock on the table; the down migration rebuilds the index concurrently first.');
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
