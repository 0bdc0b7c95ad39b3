/**
 * One entry per object: every finding about one index (or proposed index, foreign key, table,
 * setting) gathered into a single entry with every reason and the one thing the fix plan does to
 * it, so that an index that is unused, low-cardinality and on an over-indexed table is one entry,
 * not three. Severity is the highest of its reasons; counts in reports count entries (objects).
 */
import type { AuditResult } from '../../audit/types.js';
import { emitterFor } from '../../dialects/emitters.js';
import type { FixAction } from '../../model/actions.js';
import type { SourceLocation } from '../../model/types.js';
import { createKey } from '../../plan/candidates.js';
import { summarize, type PlanDecision } from '../../plan/planner.js';
import { severityRank, type Finding, type Severity } from '../../rules/types.js';
import { keyLabels } from '../../semantics/keys.js';

/** What kind of object an entry is about. */
type EntryKind = 'index' | 'new-index' | 'foreign-key' | 'table' | 'database';

/** What the fix plan does to an entry's object. */
interface EntryDecision {
  /** `drop`/`create`/`change`: a step of the plan; `kept`: a drop the whole-plan check refused; `advice`: no automatic fix. */
  readonly kind: 'drop' | 'create' | 'change' | 'kept' | 'advice';
  /** The steps' summaries, or the refusal's reason. */
  readonly summary: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly notes: readonly string[];
}

/** One object and everything the audit says about it. */
export interface ReportEntry {
  readonly key: string;
  readonly kind: EntryKind;
  readonly schema: string;
  readonly table: string;
  /** The index, proposed index, foreign key or setting; null for a table. */
  readonly name: string | null;
  /** Keys of an index, as a person reads them. */
  readonly keys: readonly string[];
  readonly severity: Severity;
  /** Every finding about it, most severe first. */
  readonly findings: readonly Finding[];
  readonly decision: EntryDecision;
  readonly sizeBytes: number | null;
  readonly scans: number | null;
  readonly location: SourceLocation | null;
}

const isDrop = (a: FixAction): boolean => a.kind === 'drop-index' || a.kind === 'drop-constraint' || a.kind === 'hide-index';

/** The objects one finding is about: the indexes its actions drop, else what it names. */
function objectsOf(
  f: Finding,
  existing: ReadonlySet<string>,
): { key: string; kind: EntryKind; name: string | null; keys: readonly string[] }[] {
  const drops = (f.actions ?? []).filter(isDrop);
  if (drops.length > 0) {
    return drops.map((a) => ({
      key: `index\u0000${a.index.schema}\u0000${a.index.table}\u0000${a.index.name}`,
      kind: 'index' as const,
      name: a.index.name,
      keys: keyLabels(a.index),
    }));
  }
  if (f.index !== undefined && existing.has(`${f.schema}\u0000${f.table}\u0000${f.index}`)) {
    return [{ key: `index\u0000${f.schema}\u0000${f.table}\u0000${f.index}`, kind: 'index', name: f.index, keys: f.columns ?? [] }];
  }
  const create = (f.actions ?? []).find((a) => a.kind === 'create-index');
  if (create?.kind === 'create-index') {
    return [{ key: `new\u0000${createKey(create.index)}`, kind: 'new-index', name: create.index.name, keys: keyLabels(create.index) }];
  }
  if (f.constraint !== undefined) {
    return [
      {
        key: `constraint\u0000${f.schema}\u0000${f.table}\u0000${f.constraint}`,
        kind: 'foreign-key',
        name: f.constraint,
        keys: f.columns ?? [],
      },
    ];
  }
  if (f.subject !== undefined) return [{ key: `database\u0000${f.subject}`, kind: 'database', name: f.subject, keys: [] }];
  if (f.schema === '') return [{ key: `database\u0000${f.rule}`, kind: 'database', name: null, keys: [] }];
  return [{ key: `table\u0000${f.schema}\u0000${f.table}`, kind: 'table', name: null, keys: [] }];
}

/** The object's key for each action of the plan's decision. */
function actionKey(a: FixAction): string {
  if (a.kind === 'create-index') return `new\u0000${createKey(a.index)}`;
  return `index\u0000${a.index.schema}\u0000${a.index.table}\u0000${a.index.name}`;
}

/** Every entry of an audit, most severe first, then the largest, then by name. */
export function reportEntries(result: AuditResult, decision: PlanDecision): ReportEntry[] {
  const model = result.model;
  const indexes = new Map(model.indexes.map((i) => [`${i.schema}\u0000${i.table}\u0000${i.name}`, i]));
  const existing = new Set(indexes.keys());
  const emitter = emitterFor(model.dialect, model.capabilities, model.tables);
  const groups = new Map<
    string,
    { kind: EntryKind; schema: string; table: string; name: string | null; keys: readonly string[]; findings: Finding[] }
  >();
  for (const f of result.findings) {
    for (const o of objectsOf(f, existing)) {
      const known = groups.get(o.key);
      if (known) {
        if (!known.findings.includes(f)) known.findings.push(f);
      } else groups.set(o.key, { kind: o.kind, schema: f.schema, table: f.table, name: o.name, keys: o.keys, findings: [f] });
    }
  }
  // What the plan does to each object: its steps (a replacement's create belongs to the index it replaces), or why not.
  const steps = new Map<string, FixAction[]>();
  for (const { action, findings } of decision.accepted) {
    const keys = new Set<string>([actionKey(action)]);
    if (action.kind === 'create-index') {
      for (const f of findings) for (const a of (f.actions ?? []).filter(isDrop)) keys.add(actionKey(a));
    }
    for (const key of keys) steps.set(key, [...(steps.get(key) ?? []), action]);
  }
  const refused = new Map(decision.refused.map((r) => [actionKey(r.action), r.reason]));
  const entries: ReportEntry[] = [];
  for (const [key, g] of groups) {
    const findings = [...g.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    const actions = steps.get(key) ?? [];
    let entryDecision: EntryDecision;
    if (actions.length > 0) {
      const emitted = emitter === null ? [] : actions.map((a) => emitter.emit(a));
      const creates = actions.some((a) => a.kind === 'create-index');
      const drops = actions.some(isDrop);
      entryDecision = {
        kind: creates && drops ? 'change' : creates ? 'create' : 'drop',
        summary: actions.map(summarize).join('; then '),
        up: emitted.flatMap((e) => e.up.map((s) => s.sql)),
        down: [...emitted].reverse().flatMap((e) => e.down.map((s) => s.sql)),
        notes: [...new Set(emitted.flatMap((e) => [...e.notes, ...(e.irreversible !== null ? [`Not undone: ${e.irreversible}.`] : [])]))],
      };
    } else if (refused.has(key)) {
      entryDecision = { kind: 'kept', summary: refused.get(key)!, up: [], down: [], notes: [] };
    } else {
      entryDecision = { kind: 'advice', summary: findings[0]!.help, up: [], down: [], notes: [] };
    }
    const index = g.kind === 'index' && g.name !== null ? indexes.get(`${g.schema}\u0000${g.table}\u0000${g.name}`) : undefined;
    entries.push({
      key,
      kind: g.kind,
      schema: g.schema,
      table: g.table,
      name: g.name,
      keys: g.keys,
      severity: findings[0]!.severity,
      findings,
      decision: entryDecision,
      sizeBytes: index?.sizeBytes ?? null,
      scans: index?.usage?.scans ?? null,
      location: findings.find((f) => f.location !== undefined)?.location ?? null,
    });
  }
  return entries.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0) ||
      `${a.schema}.${a.table}.${a.name ?? ''}`.localeCompare(`${b.schema}.${b.table}.${b.name ?? ''}`),
  );
}

/** Entries of each severity, most severe first (severities without entries left out). */
export function entriesBySeverity(entries: readonly ReportEntry[]): { severity: Severity; entries: ReportEntry[] }[] {
  const order: Severity[] = ['critical', 'medium', 'low'];
  return order
    .map((severity) => ({ severity, entries: entries.filter((e) => e.severity === severity) }))
    .filter((g) => g.entries.length > 0);
}
