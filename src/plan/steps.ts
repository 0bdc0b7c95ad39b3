/**
 * A migration as data: one step per finding that has a fix, each with the finding it fixes, a
 * structured action (what the writers render natively) and the exact SQL to apply (`up`) and
 * to undo it (`down`). Writers (SQL, Alembic, Knex) and `dbdoctor apply` all read the same plan.
 */
import type { Index, SchemaModel } from '../model/types.js';
import { whyNotDroppable } from '../semantics/index-semantics.js';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../rules/types.js';
import { VERSION } from '../util/version.js';
import { restorePartitionedIndexStatements } from '../dialects/postgres/ddl.js';
import { parseStatement, type ParsedStatement } from './sql-parse.js';

/** The finding a step fixes, as it was reported (without evidence and fix). */
export interface FindingRef {
  readonly rule: string;
  readonly severity: Severity;
  readonly schema: string;
  readonly table: string;
  readonly index?: string;
  readonly constraint?: string;
  readonly coveredBy?: string;
  readonly columns?: readonly string[];
  readonly message: string;
  readonly help: string;
}

/** One `CREATE INDEX` of a create step, as far as the writers need it. */
export interface CreateIndexSpec {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  /** Plain column keys in order; null when a key is an expression or has options Alembic cannot express by name. */
  readonly columns: readonly string[] | null;
  /** `ON ONLY` a partitioned table. */
  readonly only: boolean;
  readonly concurrently: boolean;
  readonly ifNotExists: boolean;
}

/** What a step does, in a form the writers can render natively. */
export type StepAction =
  /** Drop an index (and, for a partitioned index, the partition indexes attached below it). */
  | { readonly kind: 'drop-index'; readonly index: Index; readonly attached: readonly Index[] }
  /** Drop the UNIQUE constraint an index backs; the index goes with it. */
  | { readonly kind: 'drop-constraint'; readonly index: Index }
  /** Create indexes; `specs` describe the statements of `up` that are CREATE INDEX. */
  | { readonly kind: 'create-index'; readonly specs: readonly CreateIndexSpec[] }
  /** Anything else: the writers emit the SQL as it is. */
  | { readonly kind: 'sql' };

/** One step of a migration. */
export interface MigrationStep {
  /** Stable within a plan: `<rule>:<schema>.<object>`. */
  readonly id: string;
  readonly finding: FindingRef;
  readonly action: StepAction;
  /** What the step does, in a few words (`drop index public.orders_dup`). */
  readonly summary: string;
  readonly up: readonly string[];
  /** Empty when the step cannot be undone (`notes` say why). */
  readonly down: readonly string[];
  /** A statement runs CONCURRENTLY, so the step must run outside a transaction block. */
  readonly outsideTransaction: boolean;
  readonly notes: readonly string[];
}

/** A finding left out of the migration, with the reason. */
export interface SkippedFinding {
  readonly finding: FindingRef;
  readonly reason: string;
}

/** Session settings every writer emits and `apply` uses. */
export interface MigrationSettings {
  readonly lockTimeoutMs: number;
  /** 0: no limit (index builds on large tables take long; a cancelled concurrent build leaves an INVALID index). */
  readonly statementTimeoutMs: number;
}

export const DEFAULT_MIGRATION_SETTINGS: MigrationSettings = { lockTimeoutMs: 5_000, statementTimeoutMs: 0 };

/** A whole migration: the file `dbdoctor-plan.json` holds exactly this. */
export interface MigrationPlan {
  readonly version: 1;
  readonly generator: string;
  readonly createdAt: string;
  readonly target: { readonly name: string; readonly database: string | null; readonly serverVersion: string };
  /** Schemas the audit covered; empty for every user schema. */
  readonly schemas: readonly string[];
  readonly settings: MigrationSettings;
  readonly steps: readonly MigrationStep[];
  readonly skipped: readonly SkippedFinding[];
}

/** Which findings to fix. */
export interface FixFilters {
  /** Rule ids; all when absent or empty. */
  readonly rules?: readonly string[];
  /** Only findings at this severity or above. */
  readonly minSeverity?: Severity;
  /** `table` or `schema.table`; all when absent or empty. */
  readonly tables?: readonly string[];
}

/** The schema `dbdoctor apply` keeps its journal in; never part of a plan. */
export const JOURNAL_SCHEMA = 'dbdoctor';

/** The findings the filters select, outside the journal's schema. */
export function selectFindings(findings: readonly Finding[], filters: FixFilters = {}): Finding[] {
  const rules = filters.rules && filters.rules.length > 0 ? new Set(filters.rules) : null;
  const bar = severityRank(filters.minSeverity ?? SEVERITIES[SEVERITIES.length - 1]!);
  const tables = filters.tables && filters.tables.length > 0 ? new Set(filters.tables) : null;
  return findings.filter(
    (f) =>
      f.schema !== JOURNAL_SCHEMA &&
      (rules === null || rules.has(f.rule)) &&
      severityRank(f.severity) >= bar &&
      (tables === null || tables.has(f.table) || tables.has(`${f.schema}.${f.table}`)),
  );
}

function refOf(f: Finding): FindingRef {
  return {
    rule: f.rule,
    severity: f.severity,
    schema: f.schema,
    table: f.table,
    ...(f.index !== undefined ? { index: f.index } : {}),
    ...(f.constraint !== undefined ? { constraint: f.constraint } : {}),
    ...(f.coveredBy !== undefined ? { coveredBy: f.coveredBy } : {}),
    ...(f.columns !== undefined ? { columns: f.columns } : {}),
    message: f.message,
    help: f.help,
  };
}

/** Every index attached below a partitioned index, at any depth. */
function attachedBelow(index: Index, indexes: readonly Index[]): Index[] {
  const out: Index[] = [];
  const visit = (parent: Index): void => {
    for (const child of indexes) {
      if (child.parentIndex?.schema === parent.schema && child.parentIndex.name === parent.name) {
        out.push(child);
        visit(child);
      }
    }
  };
  visit(index);
  return out;
}

/** Why dropping this index in a migration is unsafe, or null when it is safe. */
export function whyNotFixable(index: Index): string | null {
  const reason = whyNotDroppable(index);
  if (reason !== null) return `${index.schema}.${index.name} is not dropped: ${reason}`;
  if (index.constraint && index.partitioned) {
    return (
      `${index.schema}.${index.name} is not dropped: it backs constraint ${index.constraint.name} of a partitioned table, ` +
      'which cannot be re-attached to a prebuilt index (ADD CONSTRAINT … USING INDEX is refused on partitioned tables), so ' +
      'the way back would lock every partition for a full build and rename the partition indexes'
    );
  }
  return null;
}

function specOf(parsed: ParsedStatement): CreateIndexSpec | null {
  if (parsed.kind !== 'create-index' || parsed.name === null || parsed.schema === null) return null;
  return {
    schema: parsed.schema,
    table: parsed.table,
    name: parsed.name,
    unique: parsed.unique,
    method: parsed.method,
    columns: parsed.plainColumns,
    only: parsed.only,
    concurrently: parsed.concurrently,
    ifNotExists: parsed.ifNotExists,
  };
}

/**
 * `spec` builds a plain btree or hash index on the table of `fk` (the foreign-key index a fix
 * would create) whose leading columns are exactly `columns`, in any order: it serves the
 * referential lookup. A partial index or one with expressions is not judged here (plainColumns is
 * null for those), so both are kept.
 */
function servesColumns(spec: CreateIndexSpec, fk: CreateIndexSpec, columns: readonly string[]): boolean {
  if (spec.schema !== fk.schema || spec.table !== fk.table || spec.columns === null) return false;
  if (spec.method !== 'btree' && !(spec.method === 'hash' && columns.length === 1)) return false;
  const leading = new Set(spec.columns.slice(0, columns.length));
  return spec.columns.length >= columns.length && leading.size === columns.length && columns.every((c) => leading.has(c));
}

function dropsAnIndex(statements: readonly ParsedStatement[]): boolean {
  return (
    statements.some((s) => s.kind === 'drop-index' || s.kind === 'drop-constraint') && !statements.some((s) => s.kind === 'create-index')
  );
}

/**
 * Turns findings into migration steps. Create steps come first (those for foreign keys last, left
 * out when another step's index serves the key; any create left out when an earlier step takes its
 * name), then drops, each in report order, so an index that is replaced exists before anything is
 * removed. An index is dropped
 * once, never when the index said to cover it is dropped by an earlier step, and never when
 * that is unsafe ({@link whyNotFixable}).
 */
export async function planMigration(
  findings: readonly Finding[],
  model: SchemaModel,
  context: {
    readonly target: MigrationPlan['target'];
    readonly schemas?: readonly string[];
    readonly settings?: Partial<MigrationSettings>;
    readonly now?: Date;
  },
): Promise<MigrationPlan> {
  const steps: MigrationStep[] = [];
  const skipped: SkippedFinding[] = [];
  const droppedBy = new Map<string, string>();
  const key = (schema: string, name: string): string => `${schema}\u0000${name}`;
  const indexByName = new Map(model.indexes.map((i) => [key(i.schema, i.name), i]));

  const candidates: { finding: Finding; parsedUp: ParsedStatement[] }[] = [];
  for (const finding of findings) {
    if (!finding.fix || finding.fix.up.length === 0) {
      skipped.push({ finding: refOf(finding), reason: 'the rule offers no automatic fix for this finding' });
      continue;
    }
    candidates.push({ finding, parsedUp: await Promise.all(finding.fix.up.map(parseStatement)) });
  }
  // Creates, those for foreign keys last (another fix's index may serve the key already), then drops.
  const forForeignKey = (c: (typeof candidates)[number]): boolean => c.finding.rule === 'unindexed-foreign-key';
  const creates = candidates.filter((c) => !dropsAnIndex(c.parsedUp));
  const ordered = [
    ...creates.filter((c) => !forForeignKey(c)),
    ...creates.filter(forForeignKey),
    ...candidates.filter((c) => dropsAnIndex(c.parsedUp)),
  ];
  const created: { spec: CreateIndexSpec; finding: Finding }[] = [];
  const createdBy = new Map<string, { id: string; up: string }>();

  for (const { finding, parsedUp } of ordered) {
    const fix = finding.fix!;
    const ref = refOf(finding);
    const notes = [...(fix.notes ?? [])];
    const parsedDown = await Promise.all(fix.down.map(parseStatement));
    const outsideTransaction = [...parsedUp, ...parsedDown].some((s) => s.concurrently);
    const index = finding.index !== undefined ? indexByName.get(key(finding.schema, finding.index)) : undefined;

    if (index && dropsAnIndex(parsedUp)) {
      const unsafe = whyNotFixable(index);
      if (unsafe !== null) {
        skipped.push({ finding: ref, reason: unsafe });
        continue;
      }
      const earlier = droppedBy.get(key(index.schema, index.name));
      if (earlier !== undefined) {
        skipped.push({ finding: ref, reason: `${index.schema}.${index.name} is already dropped by step ${earlier}` });
        continue;
      }
      if (finding.coveredBy !== undefined) {
        const coverDropped = droppedBy.get(key(index.schema, finding.coveredBy));
        if (coverDropped !== undefined) {
          skipped.push({
            finding: ref,
            reason: `the index that covers it, ${index.schema}.${finding.coveredBy}, is dropped by step ${coverDropped}`,
          });
          continue;
        }
      }
      const id = `${finding.rule}:${index.schema}.${index.name}`;
      droppedBy.set(key(index.schema, index.name), id);
      if (index.constraint) {
        steps.push({
          id,
          finding: ref,
          action: { kind: 'drop-constraint', index },
          summary: `drop constraint ${index.constraint.name} on ${index.schema}.${index.table} (and its index ${index.name})`,
          up: fix.up,
          down: fix.down,
          outsideTransaction,
          notes,
        });
        continue;
      }
      const attached = index.partitioned ? attachedBelow(index, model.indexes) : [];
      // The rule's way back rebuilds a partitioned index with generated partition index names; restore them exactly.
      const down = index.partitioned && fix.down.length > 0 ? restorePartitionedIndexStatements(index, model.indexes) : fix.down;
      if (index.partitioned && attached.length > 0) {
        notes.push(
          `Dropping it also drops the ${attached.length} partition index(es) attached to it; down recreates each under its own name and re-attaches it.`,
        );
      }
      steps.push({
        id,
        finding: ref,
        action: { kind: 'drop-index', index, attached },
        summary: `drop index ${index.schema}.${index.name}`,
        up: fix.up,
        down,
        outsideTransaction: outsideTransaction || (await Promise.all(down.map(parseStatement))).some((s) => s.concurrently),
        notes,
      });
      continue;
    }

    const specs = parsedUp.map(specOf).filter((s): s is CreateIndexSpec => s !== null);
    const main = specs[0];
    const id = `${finding.rule}:${finding.schema}.${main?.name ?? finding.index ?? finding.constraint ?? finding.table}`;
    if (finding.rule === 'unindexed-foreign-key' && main && finding.columns) {
      const serving = created.find((c) => servesColumns(c.spec, main, finding.columns!));
      if (serving) {
        skipped.push({
          finding: ref,
          reason: `the index ${serving.spec.schema}.${serving.spec.name} that ${serving.finding.rule} creates serves this foreign key too`,
        });
        continue;
      }
    }
    // CREATE INDEX … IF NOT EXISTS with a name an earlier step took would silently create nothing.
    const clash = specs.map((spec) => ({ spec, earlier: createdBy.get(key(spec.schema, spec.name)) })).find((c) => c.earlier !== undefined);
    if (clash?.earlier) {
      const same = clash.earlier.up === fix.up.join(';\n');
      skipped.push({
        finding: ref,
        reason: same
          ? `step ${clash.earlier.id} creates the same index`
          : `step ${clash.earlier.id} creates another index named ${clash.spec.schema}.${clash.spec.name}: apply the plan, then audit again for a new name`,
      });
      continue;
    }
    for (const spec of specs) {
      createdBy.set(key(spec.schema, spec.name), { id, up: fix.up.join(';\n') });
      created.push({ spec, finding });
    }
    steps.push({
      id,
      finding: ref,
      action: specs.length > 0 ? { kind: 'create-index', specs } : { kind: 'sql' },
      summary: main
        ? `create index ${main.schema}.${main.name} on ${main.schema}.${main.table}${finding.columns ? ` (${finding.columns.join(', ')})` : ''}`
        : `fix ${finding.rule} on ${finding.schema}.${finding.table}`,
      up: fix.up,
      down: fix.down,
      outsideTransaction,
      notes,
    });
  }

  return {
    version: 1,
    generator: `dbdoctor ${VERSION}`,
    createdAt: (context.now ?? new Date()).toISOString(),
    target: context.target,
    schemas: context.schemas ?? [],
    settings: { ...DEFAULT_MIGRATION_SETTINGS, ...context.settings },
    steps,
    skipped,
  };
}
