/**
 * Strategy by table type: each table's type (with confidence and evidence), the indexes it has,
 * and the index set the findings recommend — the current set, minus what the fixes drop, plus
 * what they create.
 */
import type { AuditResult } from '../../audit/types.js';
import type { Confidence, TableClassification, TableType } from '../../rules/context/classify-types.js';
import type { Index, Table, TableUsage } from '../../model/types.js';
import type { IndexSpec } from '../../model/actions.js';
import type { Finding } from '../../rules/types.js';
import { emitterFor } from '../../dialects/emitters.js';
import { decidePlan, type PlanDecision } from '../../plan/planner.js';
import { keyLabels } from '../../semantics/keys.js';
import { indexKeys } from '../format.js';

/** An index the recommended set keeps or drops. */
export interface IndexEntry {
  readonly name: string;
  /** Key columns and expressions as a person reads them. */
  readonly keys: string;
  readonly sizeBytes: number | null;
  readonly scans: number | null;
  /** Primary key, unique, constraint, partial, method: what a reader must know before touching it. */
  readonly traits: readonly string[];
  /** Written on every insert (PostgreSQL: indisready); an index left not ready by a failed build is not. */
  readonly maintained: boolean;
  /** The findings that propose dropping it (empty for an index no finding touches). */
  readonly droppedBy: readonly Finding[];
  /** Why it stays although findings propose dropping it (the fix plan refused the drop), else null. */
  readonly keptBecause: string | null;
  /** Key columns in order, null for expression keys. */
  readonly keyColumns: readonly (string | null)[];
}

/** An index a finding's fix creates. */
export interface CreatedIndex {
  readonly name: string;
  readonly keys: string;
  readonly definition: string;
  readonly finding: Finding;
}

/** Is this index dropped in the recommended set? */
export function isDropped(entry: IndexEntry): boolean {
  return entry.droppedBy.length > 0 && entry.keptBecause === null;
}

/** The recommendation for one current index, in words: `drop` with the rules, or `keep` (with why, when a drop was overruled). */
export function verdictOf(entry: IndexEntry): { readonly action: 'drop' | 'keep'; readonly because: string } {
  const rules = [...new Set(entry.droppedBy.map((f) => f.rule))].join(', ');
  if (isDropped(entry)) return { action: 'drop', because: rules };
  if (entry.keptBecause !== null) return { action: 'keep', because: `${entry.keptBecause}; ${rules} proposed dropping it` };
  return { action: 'keep', because: '' };
}

/** Row writes to a table since the statistics reset. */
interface TableWrites {
  readonly inserts: number;
  readonly updates: number;
  readonly hotUpdates: number;
  readonly deletes: number;
}

/** One table's strategy. */
export interface TableStrategy {
  readonly schema: string;
  readonly table: string;
  readonly type: TableType;
  readonly confidence: Confidence;
  readonly source: TableClassification['source'] | null;
  readonly evidence: readonly string[];
  readonly rowEstimate: number | null;
  readonly sizeBytes: number | null;
  readonly writes: TableWrites | null;
  readonly current: readonly IndexEntry[];
  readonly dropped: readonly IndexEntry[];
  readonly created: readonly CreatedIndex[];
  /** Indexes findings propose creating that the fix plan leaves out, with the reason. */
  readonly skipped: readonly { readonly index: CreatedIndex; readonly reason: string }[];
  /** Current minus dropped (the kept entries), plus created, by name. */
  readonly recommended: readonly string[];
  readonly findings: readonly Finding[];
}

/** Table types in the order the seed presents them. */
const TABLE_TYPES: readonly TableType[] = ['transaction', 'log', 'junction', 'unknown'];

/** What each table type's index strategy is, in one line (the seed's section 2). */
export const TYPE_STRATEGY: { readonly [T in TableType]: string } = {
  transaction: 'Read-mostly, low write volume: index the columns its lookups filter and join on, and every foreign key.',
  log: 'Append-mostly and write-heavy, read by time ranges: keep few indexes (time column first); every index is paid on every insert. Prefer partitioning to more indexes.',
  junction:
    'Links tables: the composite primary key or unique constraint is the index; add one on the other foreign key only if lookups go that way.',
  unknown:
    'Not enough evidence to tell (no usage statistics, or too young to trust): index for the queries it serves, and audit again on the live database once its statistics cover normal traffic.',
};

/** The indexes a finding's actions drop, by name (through a constraint too; a replacement still drops the old index). */
export function droppedIndexNames(f: Finding): string[] {
  return [...new Set((f.actions ?? []).filter((a) => a.kind === 'drop-index' || a.kind === 'drop-constraint').map((a) => a.index.name))];
}

/** A new index as the report shows it. */
function createdIndexOf(spec: IndexSpec, finding: Finding, describe: (spec: IndexSpec) => string): CreatedIndex {
  return { name: spec.name, keys: keyLabels(spec).join(', '), definition: describe(spec), finding };
}

/** The indexes a finding's actions create. */
export function createdIndexes(f: Finding, describe: (spec: IndexSpec) => string): CreatedIndex[] {
  return (f.actions ?? []).flatMap((a) => (a.kind === 'create-index' ? [createdIndexOf(a.index, f, describe)] : []));
}

function traitsOf(index: Index): string[] {
  const traits: string[] = [];
  if (index.primary) traits.push('primary key');
  else if (index.constraint) traits.push(`${index.constraint.type} constraint ${index.constraint.name}`);
  else if (index.unique) traits.push('unique');
  if (index.method !== 'btree') traits.push(index.method);
  if (index.include.length > 0) traits.push(`INCLUDE (${index.include.join(', ')})`);
  if (index.predicate !== null) traits.push(`WHERE ${index.predicate}`);
  if (!index.valid) traits.push('INVALID');
  return traits;
}

function writesOf(usage: TableUsage | null): TableWrites | null {
  if (usage === null) return null;
  return { inserts: usage.inserts, updates: usage.updates, hotUpdates: usage.hotUpdates, deletes: usage.deletes };
}

function key(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

/** The strategy of every audited table, in model order: the current indexes and what the fix plan, checked as a whole, does to them. */
export function tableStrategies(result: AuditResult, decision: PlanDecision = decidePlan(result.findings, result.model)): TableStrategy[] {
  const classifications = new Map(result.tables.map((c) => [key(c.schema, c.table), c]));
  const indexesByTable = new Map<string, Index[]>();
  for (const index of result.model.indexes) {
    const k = key(index.schema, index.table);
    indexesByTable.set(k, [...(indexesByTable.get(k) ?? []), index]);
  }
  const findingsByTable = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const k = key(f.schema, f.table);
    findingsByTable.set(k, [...(findingsByTable.get(k) ?? []), f]);
  }
  const emitter = emitterFor(result.model.dialect, result.model.capabilities, result.model.tables);
  const describe = (spec: IndexSpec): string =>
    emitter?.describeCreate(spec) ?? `CREATE INDEX ${spec.name} ON ${spec.table} (${keyLabels(spec).join(', ')})`;
  const dropped = new Map<string, readonly Finding[]>();
  const kept = new Map<string, { readonly findings: readonly Finding[]; readonly reason: string }>();
  const created = new Map<string, CreatedIndex[]>();
  const skippedCreates = new Map<string, { index: CreatedIndex; reason: string }[]>();
  for (const { action, findings } of decision.accepted) {
    const k = key(action.index.schema, action.index.table);
    if (action.kind === 'drop-index' || action.kind === 'drop-constraint')
      dropped.set(key(action.index.schema, action.index.name), findings);
    if (action.kind === 'create-index') created.set(k, [...(created.get(k) ?? []), createdIndexOf(action.index, findings[0]!, describe)]);
  }
  for (const { action, findings, reason } of decision.refused) {
    const k = key(action.index.schema, action.index.table);
    if (action.kind === 'drop-index' || action.kind === 'drop-constraint')
      kept.set(key(action.index.schema, action.index.name), { findings, reason });
    if (action.kind === 'create-index') {
      skippedCreates.set(k, [...(skippedCreates.get(k) ?? []), { index: createdIndexOf(action.index, findings[0]!, describe), reason }]);
    }
  }
  return result.model.tables.map((table: Table) => {
    const k = key(table.schema, table.name);
    const c = classifications.get(k);
    const findings = findingsByTable.get(k) ?? [];
    const entries: IndexEntry[] = (indexesByTable.get(k) ?? [])
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((index) => {
        const refusal = kept.get(key(index.schema, index.name));
        return {
          name: index.name,
          keys: indexKeys(index),
          keyColumns: index.keys.map((x) => x.column),
          sizeBytes: index.sizeBytes,
          scans: index.usage?.scans ?? null,
          traits: traitsOf(index),
          maintained: index.ready && !index.partitioned,
          droppedBy: dropped.get(key(index.schema, index.name)) ?? refusal?.findings ?? [],
          keptBecause: refusal?.reason ?? null,
        };
      });
    const droppedEntries = entries.filter(isDropped);
    const createdHere = created.get(k) ?? [];
    return {
      schema: table.schema,
      table: table.name,
      type: c?.type ?? 'unknown',
      confidence: c?.confidence ?? 'low',
      source: c?.source ?? null,
      evidence: c?.evidence ?? [],
      rowEstimate: table.rowEstimate,
      sizeBytes: table.sizeBytes,
      writes: writesOf(table.usage),
      current: entries,
      dropped: droppedEntries,
      created: createdHere,
      skipped: skippedCreates.get(k) ?? [],
      recommended: [...entries.filter((e) => !isDropped(e)).map((e) => e.name), ...createdHere.map((x) => x.name)],
      findings,
    };
  });
}

/** Strategies grouped by table type, in the seed's order; empty types are left out. */
export function strategiesByType(
  strategies: readonly TableStrategy[],
): { readonly type: TableType; readonly tables: readonly TableStrategy[] }[] {
  return TABLE_TYPES.map((type) => ({ type, tables: strategies.filter((s) => s.type === type) })).filter((g) => g.tables.length > 0);
}
