/**
 * The index a query needs on one table, from the column uses of one AND-group: btree keys for
 * the equality (and IN, IS NULL, join) columns first, the most distinct values first, then one
 * range column, or else the ORDER BY columns, so that one index scan finds the rows in order. A
 * condition comparing a column with a constant written into the query (`status = 'pending'`)
 * becomes the predicate of a partial index instead of a key; a condition on an expression
 * (`lower(email) = $1`) becomes an expression key.
 */
import type { Index, Table } from '../../model/types.js';
import { quoteIdent, quoteQualified } from '../../sql/quote.js';
import { freeRelationName } from '../../semantics/names.js';
import type { ColumnUse, ColumnUseGroup } from '../../model/workload.js';
import type { IndexProposal, ProposedKey } from './types.js';
import { expressionKey, newIndexSpec, plainKey } from '../../model/actions.js';

const EQUALITY_KINDS = new Set(['equality', 'in', 'is-null', 'join']);
const RANGE_KINDS = new Set(['range', 'like-prefix']);

/** A constant written into the query text (not a `$n` parameter): a candidate for a partial-index predicate. */
function isWrittenConstant(value: string | undefined): value is string {
  return value !== undefined && !/^\$\d+$/.test(value) && !value.includes('$');
}

function distinctOf(table: Table, column: string): number {
  const stats = table.columns.find((c) => c.name === column)?.statistics;
  return stats?.distinctValues ?? 0;
}

function keyOf(use: ColumnUse, role: string, descending = false): ProposedKey {
  const sql = use.expression !== undefined ? `(${use.expression})` : quoteIdent(use.column);
  return { column: use.column, sql, descending, role };
}

function sameKey(a: ProposedKey, b: ProposedKey): boolean {
  return a.sql === b.sql;
}

/** The name for a new index: `<table>_<columns>_idx`, at most 63 bytes, not taken by any relation of the schema. */
function proposalName(table: string, keys: readonly ProposedKey[], taken: ReadonlySet<string>): string {
  const parts = keys.map((k) => (k.sql.startsWith('(') ? `${k.column}_expr` : k.column));
  return freeRelationName(`${table}_${parts.join('_')}_idx`, taken);
}

/**
 * Proposes an index for `group` on `table`, or null when its uses give no key. `join` decides
 * whether join conditions count as keys (they do when the table is read in full for a join).
 */
export function proposeIndex(
  table: Table,
  group: ColumnUseGroup,
  taken: ReadonlySet<string>,
  options: { readonly useJoins: boolean },
): IndexProposal | null {
  const equality: ColumnUse[] = [];
  const predicates: string[] = [];
  let range: ColumnUse | null = null;
  for (const use of group.conditions) {
    if (use.kind === 'join' && !options.useJoins) continue;
    if (use.kind === 'equality' && use.expression === undefined && isWrittenConstant(use.value)) {
      predicates.push(`${quoteIdent(use.column)} = ${use.value}`);
    } else if (use.kind === 'is-not-null' && use.expression === undefined) {
      predicates.push(`${quoteIdent(use.column)} IS NOT NULL`);
    } else if (EQUALITY_KINDS.has(use.kind)) {
      if (!equality.some((e) => e.column === use.column && e.expression === use.expression)) equality.push(use);
    } else if (RANGE_KINDS.has(use.kind) && range === null) {
      range = use;
    }
  }
  equality.sort((a, b) => distinctOf(table, b.column) - distinctOf(table, a.column) || a.column.localeCompare(b.column));
  const keys: ProposedKey[] = equality.map((u) => keyOf(u, u.kind === 'join' ? 'join' : u.kind));
  if (range !== null) {
    const key = keyOf(range, range.kind);
    if (!keys.some((k) => sameKey(k, key))) keys.push(key);
  } else if (!options.useJoins) {
    // For a join the index is probed once per outer row; the ORDER BY sorts the joined rows, which this index cannot order.
    for (const order of group.orderBy) {
      const key = keyOf(order, 'order-by', order.descending === true);
      if (!keys.some((k) => sameKey(k, key))) keys.push(key);
    }
  }
  if (keys.length === 0 && predicates.length > 0) {
    // Only constant conditions: index the first of their columns, restricted to the rows they select.
    const first = group.conditions.find((u) => u.kind === 'equality' && isWrittenConstant(u.value));
    if (first) keys.push(keyOf(first, 'equality'));
  }
  if (keys.length === 0) return null;
  const name = proposalName(table.name, keys, taken);
  const predicate = predicates.length > 0 ? [...new Set(predicates)].join(' AND ') : null;
  const keySql = keys.map((k) => `${k.sql}${k.descending ? ' DESC' : ''}`).join(', ');
  return {
    schema: table.schema,
    table: table.name,
    name,
    keys,
    predicate,
    definition: `CREATE INDEX ${quoteIdent(name)} ON ${quoteQualified(table.schema, table.name)} (${keySql})${predicate ? ` WHERE ${predicate}` : ''}`,
    spec: newIndexSpec(
      table,
      name,
      keys.map((k) =>
        k.sql.startsWith('(') ? expressionKey(k.sql.slice(1, -1), [k.column], k.descending) : plainKey(k.column, k.descending),
      ),
      { predicate },
    ),
  };
}

/**
 * An existing usable btree index whose leading keys are the proposal's keys (plain columns and
 * expressions compared by text, sort direction ignored: a btree reads backwards) and whose
 * predicate is the same (both absent, or the same partial predicate); null when there is none.
 */
export function existingIndexFor(proposal: IndexProposal, indexes: readonly Index[]): Index | null {
  for (const index of indexes) {
    if (index.schema !== proposal.schema || index.table !== proposal.table || index.method !== 'btree' || !index.valid || !index.ready)
      continue;
    if (index.keys.length < proposal.keys.length) continue;
    // A partial proposal is new unless the same partial index exists: a full index on the keys makes the
    // planner walk the rows the predicate would have left out (what the plan showed).
    if ((index.predicate === null) !== (proposal.predicate === null)) continue;
    if (index.predicate !== null && normalizeExpression(index.predicate) !== normalizeExpression(proposal.predicate ?? '')) continue;
    const matches = proposal.keys.every((key, i) => {
      const k = index.keys[i]!;
      return key.sql.startsWith('(')
        ? k.kind === 'expression' && normalizeExpression(k.expression) === normalizeExpression(key.sql)
        : k.column === key.column;
    });
    if (matches) return index;
  }
  return null;
}

function normalizeExpression(sql: string): string {
  // Casts the server adds when it prints (`'x'::text`, `(col)::character varying`) do not change what is compared.
  return sql
    .replace(/::"?[a-z_][a-z0-9_]*"?(\s+varying|\s+precision|\s+with(out)?\s+time\s+zone)?(\[\])?/gi, '')
    .replace(/[()\s]/g, '')
    .toLowerCase();
}
