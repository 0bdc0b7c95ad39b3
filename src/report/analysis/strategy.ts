/**
 * Strategy by table type: each table's type (with confidence and evidence), the indexes it has,
 * and the index set the findings recommend — the current set, minus what the fixes drop, plus
 * what they create.
 */
import type { AuditResult } from '../../audit/types.js';
import type { Confidence, TableClassification, TableType } from '../../rules/context/classify-types.js';
import type { ForeignKey, Index, Table, TableUsage } from '../../model/types.js';
import type { Finding } from '../../rules/types.js';
import { evidenceAt, indexKeys } from '../format.js';
import { indexesForeignKeysNeed, keyColumnsOf, supersededCreates } from './conflicts.js';

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
  /** Why it stays although findings propose dropping it (a foreign key still needs it), else null. */
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
export interface TableWrites {
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
  /** Indexes findings propose creating that another created or kept index already starts with. */
  readonly skipped: readonly { readonly index: CreatedIndex; readonly coveredBy: string }[];
  /** Current minus dropped (the kept entries), plus created, by name. */
  readonly recommended: readonly string[];
  readonly findings: readonly Finding[];
}

/** Table types in the order the seed presents them. */
export const TABLE_TYPES: readonly TableType[] = ['transaction', 'log', 'junction', 'unknown'];

/** What each table type's index strategy is, in one line (the seed's section 2). */
export const TYPE_STRATEGY: { readonly [T in TableType]: string } = {
  transaction: 'Read-mostly, low write volume: index the columns its lookups filter and join on, and every foreign key.',
  log: 'Append-mostly and write-heavy, read by time ranges: keep few indexes (time column first); every index is paid on every insert. Prefer partitioning to more indexes.',
  junction:
    'Links tables: the composite primary key or unique constraint is the index; add one on the other foreign key only if lookups go that way.',
  unknown: 'Not enough evidence to tell: index for the queries it serves and revisit when the statistics are older.',
};

const DROP_CONSTRAINT = /^\s*ALTER\s+TABLE\s[\s\S]*\sDROP\s+CONSTRAINT\b/i;
const CREATE_INDEX = /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|[^\s(]+))\s+ON\s/i;

/** An identifier as it is named, without quotes and without a schema. */
function bareName(identifier: string): string {
  const parts = identifier.match(/"(?:[^"]|"")+"|[^.]+/g) ?? [identifier];
  const last = parts[parts.length - 1]!;
  return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last;
}

/** The text between the first top-level parentheses after `ON table`, i.e. the keys. */
function keysOf(definition: string): string | null {
  const on = /\sON\s/i.exec(definition);
  if (!on) return null;
  const open = definition.indexOf('(', on.index);
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < definition.length; i += 1) {
    if (definition[i] === '(') depth += 1;
    else if (definition[i] === ')') {
      depth -= 1;
      if (depth === 0) return definition.slice(open + 1, i).trim();
    }
  }
  return null;
}

const DROP_INDEX_NAME =
  /^\s*DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|[^\s,;".]+)(?:\.(?:"(?:[^"]|"")+"|[^\s,;".]+))?)/i;

/**
 * The indexes a finding's fix drops, by name: those its DROP INDEX statements name, and its own
 * index when the fix drops the constraint behind it. A fix that also creates a replacement still
 * drops the old index.
 */
export function droppedIndexNames(f: Finding): string[] {
  const names = new Set<string>();
  for (const statement of f.fix?.up ?? []) {
    const match = DROP_INDEX_NAME.exec(statement);
    if (match?.[1]) names.add(bareName(match[1]));
    else if (DROP_CONSTRAINT.test(statement) && f.index !== undefined) names.add(f.index);
  }
  return [...names];
}

/** Does this finding's fix drop an index? */
export function dropsIndex(f: Finding): boolean {
  return droppedIndexNames(f).length > 0;
}

/** The indexes a finding's fix creates, read from its CREATE INDEX statements. */
export function createdIndexes(f: Finding): CreatedIndex[] {
  const created: CreatedIndex[] = [];
  for (const statement of f.fix?.up ?? []) {
    const match = CREATE_INDEX.exec(statement);
    if (!match) continue;
    const proposed = evidenceAt(f.evidence, ['proposedIndex']);
    const name = match[1] ? bareName(match[1]) : typeof proposed === 'string' ? proposed : 'new index';
    created.push({ name, keys: keysOf(statement) ?? (f.columns ?? []).join(', '), definition: statement.trim(), finding: f });
  }
  return created;
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

/** The strategy of every audited table, in model order (findings on tables the model lacks are ignored). */
export function tableStrategies(result: AuditResult): TableStrategy[] {
  const classifications = new Map(result.tables.map((c) => [key(c.schema, c.table), c]));
  const indexesByTable = new Map<string, Index[]>();
  for (const index of result.model.indexes) {
    const k = key(index.schema, index.table);
    indexesByTable.set(k, [...(indexesByTable.get(k) ?? []), index]);
  }
  const lookupForeignKeys = new Map<string, ForeignKey[]>();
  for (const fk of result.model.foreignKeys) {
    const k = key(fk.schema, fk.table);
    lookupForeignKeys.set(k, [...(lookupForeignKeys.get(k) ?? []), fk]);
  }
  const findingsByTable = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const k = key(f.schema, f.table);
    findingsByTable.set(k, [...(findingsByTable.get(k) ?? []), f]);
  }
  return result.model.tables.map((table: Table) => {
    const k = key(table.schema, table.name);
    const c = classifications.get(k);
    const findings = findingsByTable.get(k) ?? [];
    const drops = findings.map((f) => ({ finding: f, names: droppedIndexNames(f) }));
    const indexes = (indexesByTable.get(k) ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
    const proposed = indexes.map((index) => ({
      name: index.name,
      keys: indexKeys(index),
      keyColumns: index.keys.map((key) => key.column),
      usable: index.valid && index.predicate === null,
      sizeBytes: index.sizeBytes,
      scans: index.usage?.scans ?? null,
      traits: traitsOf(index),
      maintained: index.ready && !index.partitioned,
      droppedBy: drops.filter((d) => d.names.includes(index.name)).map((d) => d.finding),
    }));
    const existing = new Set(proposed.map((e) => e.name));
    const allCreated: CreatedIndex[] = [];
    for (const f of findings)
      for (const c2 of createdIndexes(f)) if (!existing.has(c2.name) && !allCreated.some((x) => x.name === c2.name)) allCreated.push(c2);
    const createdKeyed = allCreated.map((c2) => ({
      name: c2.name,
      keyColumns: keyColumnsOf(c2.keys),
      usable: true,
      plain: !/^\s*CREATE\s+UNIQUE/i.test(c2.definition) && !/\sWHERE\s/i.test(c2.definition),
    }));
    const keptNow = proposed.filter((e) => e.droppedBy.length === 0);
    const superseded = supersededCreates(createdKeyed, keptNow);
    const created = allCreated.filter((c2) => !superseded.has(c2.name));
    const keepForForeignKeys = indexesForeignKeysNeed(
      lookupForeignKeys.get(k) ?? [],
      proposed,
      new Set(proposed.filter((e) => e.droppedBy.length > 0).map((e) => e.name)),
      createdKeyed.filter((c2) => !superseded.has(c2.name)),
      new Set(findings.flatMap((f) => (f.coveredBy === undefined ? [] : [f.coveredBy]))),
    );
    const entries: IndexEntry[] = proposed.map(({ usable: _usable, ...e }) => ({
      ...e,
      keptBecause: keepForForeignKeys.get(e.name) ?? null,
    }));
    const dropped = entries.filter(isDropped);
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
      dropped,
      created,
      skipped: allCreated.filter((c2) => superseded.has(c2.name)).map((index) => ({ index, coveredBy: superseded.get(index.name)! })),
      recommended: [...entries.filter((e) => !isDropped(e)).map((e) => e.name), ...created.map((x) => x.name)],
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
