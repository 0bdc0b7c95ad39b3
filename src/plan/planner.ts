/**
 * The fix planner. It takes the actions of every selected finding, merges them per object, and
 * accepts them one by one on a simulated copy of the schema, refusing (with the reason) any that
 * would break what an earlier one relies on:
 * - an index is touched by one step, which lists every finding it resolves;
 * - a dropped index keeps an index that covers it (for findings that say it is covered), or its
 *   replacement is built first; an index another accepted drop relies on as its cover stays;
 * - no foreign key that has an index loses its last one;
 * - an index promoted to primary key is not dropped.
 * The result is checked once more by running the structural rules on the simulated schema.
 * Creates come first, then primary-key promotions, then drops.
 */
import type { DdlEmitter, FixAction } from '../model/actions.js';
import type { Index, SchemaModel } from '../model/types.js';
import type { Finding } from '../rules/types.js';
import { covers } from '../semantics/coverage.js';
import { servesForeignKey } from '../semantics/foreign-keys.js';
import { VERSION } from '../util/version.js';
import { collectCandidates, type Candidate, type Claim } from './candidates.js';
import { dropRank, firstRank, stepId, summarize, whyNotFixable } from './order.js';
import { indexFromSpec, Simulation } from './simulate.js';
import { newlyUnindexedForeignKeys } from './verify.js';
import {
  DEFAULT_MIGRATION_SETTINGS,
  PLAN_VERSION,
  refOf,
  type MigrationPlan,
  type MigrationSettings,
  type PlanStep,
  type RefusedAction,
  type SkippedFinding,
  type PlanDecision,
} from './types.js';

/** What a plan is made for. */
export interface PlanContext {
  readonly target: MigrationPlan['target'];
  readonly emitter: DdlEmitter;
  readonly schemas?: readonly string[];
  readonly settings?: Partial<MigrationSettings>;
  readonly now?: Date;
}

/** The outcome of one pass over the candidates. */
interface Pass {
  readonly accepted: { readonly candidate: Candidate; readonly claims: readonly Claim[] }[];
  readonly refused: { readonly candidate: Candidate; readonly reason: string }[];
}

/** Why a claim on dropping `index` does not hold in `sim` with `without` gone too, or null when it holds. */
function claimFails(claim: Claim, index: Index, sim: Simulation, without: ReadonlySet<Index>, created: ReadonlySet<string>): string | null {
  const need = claim.need;
  if (need.kind === 'none') return null;
  if (need.kind === 'replacement') return created.has(need.createKey) ? null : 'the index that replaces it is not in the plan';
  const named = sim.find(index.schema, index.table, need.coveredBy);
  if (named && !without.has(named) && named !== index) return null;
  if (sim.isCovered(index, without)) return null;
  return `the index that covers it, ${index.schema}.${need.coveredBy}, is dropped too`;
}

/**
 * One pass: accepts candidates in order on a fresh simulation. `excluded` are creates a previous
 * pass found orphaned (their finding's drop was refused) and tables the final check found wanting.
 */
function runPass(model: SchemaModel, candidates: readonly Candidate[], excluded: ReadonlyMap<string, string>): Pass & { sim: Simulation } {
  const sim = new Simulation(model);
  const accepted: Pass['accepted'] = [];
  const refused: Pass['refused'] = [];
  const created = new Set<string>();
  const createdNames = new Map<string, string>();
  const protectedIndexes = new Set<Index>();
  /** Accepted drops whose claims rest on another index staying: re-checked before each further drop. */
  const coverDependent: { index: Index; claims: readonly Claim[] }[] = [];
  const refuse = (candidate: Candidate, reason: string): void => void refused.push({ candidate, reason });

  const promotions = candidates.filter((c) => c.action.kind === 'add-primary-key');
  const creates = candidates.filter((c) => c.action.kind === 'create-index');
  const forForeignKeyOnly = (c: Candidate): boolean => c.claims.every((claim) => claim.finding.rule === 'unindexed-foreign-key');
  // Wider indexes first, so that a narrower one they cover is recognised as unnecessary; foreign-key indexes last.
  const wider = (a: Candidate, b: Candidate): number =>
    b.action.index.keys.length - a.action.index.keys.length || firstRank(a) - firstRank(b);
  const orderedCreates = [...creates.filter((c) => !forForeignKeyOnly(c)).sort(wider), ...creates.filter(forForeignKeyOnly).sort(wider)];
  const drops = candidates
    .filter((c) => c.action.kind === 'drop-index' || c.action.kind === 'drop-constraint')
    .sort((a, b) => dropRank(a) - dropRank(b) || firstRank(a) - firstRank(b));

  for (const candidate of promotions) {
    const index = sim.find(candidate.action.index.schema, candidate.action.index.table, candidate.action.index.name);
    if (!index) refuse(candidate, `${candidate.action.index.name} is not on the table`);
    else {
      protectedIndexes.add(index);
      accepted.push({ candidate, claims: candidate.claims });
    }
  }

  for (const candidate of orderedCreates) {
    const action = candidate.action;
    if (action.kind !== 'create-index') continue;
    const spec = action.index;
    const excludedWhy = excluded.get(candidate.key);
    if (excludedWhy !== undefined) {
      refuse(candidate, excludedWhy);
      continue;
    }
    const nameKey = `${spec.schema}\u0000${spec.name}`;
    if (createdNames.has(nameKey)) {
      refuse(
        candidate,
        `another new index of this plan is named ${spec.schema}.${spec.name}: apply the plan, then audit again for a new name`,
      );
      continue;
    }
    if (forForeignKeyOnly(candidate)) {
      const fks = candidate.claims.flatMap((c) =>
        sim.foreignKeysOf(spec.schema, spec.table).filter((fk) => fk.name === c.finding.constraint),
      );
      const server = fks.length > 0 && fks.every((fk) => sim.servesForeignKey(fk));
      if (server) {
        const by = sim.indexesOn(spec.schema, spec.table).find((i) => fks.every((fk) => servesForeignKey(i, fk, model.capabilities)));
        refuse(candidate, `the index ${spec.schema}.${by?.name ?? '(another step)'} serves this foreign key too`);
        continue;
      }
    }
    const parent = indexFromSpec(spec, { partitioned: action.onPartitionedTable, parent: null });
    // The index the same finding replaces covers its prefix, of course: it is about to go.
    const replaced = new Set(
      candidate.claims.flatMap((c) =>
        (c.finding.actions ?? []).flatMap((a) => (a.kind === 'drop-index' || a.kind === 'drop-constraint' ? [a.index.name] : [])),
      ),
    );
    const cover = sim.indexesOn(spec.schema, spec.table).find((i) => !replaced.has(i.name) && covers(i, parent));
    if (cover) {
      refuse(candidate, `${spec.schema}.${cover.name} already serves every query it would serve`);
      continue;
    }
    sim.add(parent);
    for (const p of action.partitions) sim.add(indexFromSpec(p.index, { partitioned: p.partitioned, parent }));
    created.add(candidate.key);
    createdNames.set(nameKey, candidate.key);
    accepted.push({ candidate, claims: candidate.claims });
  }

  for (const candidate of drops) {
    const target = candidate.action.index;
    const index = sim.find(target.schema, target.table, target.name);
    const excludedWhy = excluded.get(candidate.key);
    if (excludedWhy !== undefined) {
      refuse(candidate, excludedWhy);
      continue;
    }
    if (!index) {
      refuse(candidate, `${target.schema}.${target.name} is not in the schema`);
      continue;
    }
    const unsafe = whyNotFixable(index, model);
    if (unsafe !== null) {
      refuse(candidate, unsafe);
      continue;
    }
    if (protectedIndexes.has(index)) {
      refuse(candidate, `${index.schema}.${index.name} becomes the primary key in this plan`);
      continue;
    }
    const without = new Set([index]);
    const holding = candidate.claims.filter((claim) => claimFails(claim, index, sim, without, created) === null);
    if (holding.length === 0) {
      refuse(
        candidate,
        `${index.schema}.${index.name} is not dropped: ${claimFails(candidate.claims[0]!, index, sim, without, created) ?? 'no reason holds'}`,
      );
      continue;
    }
    const broken = coverDependent.find(
      (d) =>
        d.index.schema === index.schema &&
        d.index.table === index.table &&
        d.claims.every((c) => claimFails(c, d.index, sim, without, created) !== null),
    );
    if (broken) {
      refuse(
        candidate,
        `${index.schema}.${index.name} is not dropped: ${broken.index.name} is dropped in this plan because ${index.name} covers it`,
      );
      continue;
    }
    const orphaned = sim
      .foreignKeysOf(index.schema, index.table)
      .find((fk) => sim.servesForeignKey(fk) && !sim.servesForeignKey(fk, without));
    if (orphaned) {
      refuse(candidate, `${index.schema}.${index.name} is not dropped: foreign key ${orphaned.name} would be left without an index`);
      continue;
    }
    sim.remove(index);
    if (holding.some((c) => c.need.kind === 'cover'))
      coverDependent.push({ index, claims: holding.filter((c) => c.need.kind === 'cover') });
    accepted.push({ candidate, claims: holding });
  }
  return { accepted, refused, sim };
}

/**
 * Decides which actions of the findings a plan takes, checked as a whole (see the module
 * comment). Findings without actions are advice; refused actions come with the reason.
 */
export function decidePlan(findings: readonly Finding[], model: SchemaModel): PlanDecision {
  const candidates = collectCandidates(findings.filter((f) => (f.actions ?? []).length > 0));
  const excluded = new Map<string, string>();
  let pass = runPass(model, candidates, excluded);
  // A create whose every finding replaces an index the pass kept would add an index for nothing; a
  // table the structural check finds a foreign key unindexed on keeps its indexes. Both shrink the
  // plan, so this ends within as many passes as there are candidates.
  for (let round = 0; round <= candidates.length; round++) {
    const refusedKeys = new Set(pass.refused.map((r) => r.candidate.key));
    let changed = false;
    for (const { candidate } of pass.accepted) {
      if (candidate.action.kind !== 'create-index' || excluded.has(candidate.key)) continue;
      const replaces = candidate.claims.map((claim) =>
        (claim.finding.actions ?? []).find(
          (a) =>
            (a.kind === 'drop-index' || a.kind === 'drop-constraint') &&
            refusedKeys.has(`drop\u0000${a.index.schema}\u0000${a.index.name}`),
        ),
      );
      if (replaces.every((r) => r !== undefined)) {
        excluded.set(candidate.key, `it would replace ${replaces[0]!.index.name}, which the plan keeps`);
        changed = true;
      }
    }
    for (const fk of newlyUnindexedForeignKeys(model, pass.sim)) {
      for (const { candidate } of pass.accepted) {
        const a = candidate.action;
        if (
          (a.kind === 'drop-index' || a.kind === 'drop-constraint') &&
          a.index.schema === fk.schema &&
          a.index.table === fk.table &&
          !excluded.has(candidate.key)
        ) {
          excluded.set(candidate.key, `dropping it would leave foreign key ${fk.name} without an index`);
          changed = true;
        }
      }
    }
    if (!changed) break;
    pass = runPass(model, candidates, excluded);
  }
  const order = (kind: FixAction['kind']): number => (kind === 'create-index' ? 0 : kind === 'add-primary-key' ? 1 : 2);
  const byRank = (claims: readonly Claim[]): Finding[] => [...claims].sort((a, b) => a.rank - b.rank).map((c) => c.finding);
  return {
    accepted: [...pass.accepted]
      .sort((a, b) => order(a.candidate.action.kind) - order(b.candidate.action.kind))
      .map(({ candidate }) => ({ action: candidate.action, findings: byRank(candidate.claims) })),
    refused: pass.refused.map(({ candidate, reason }) => ({ action: candidate.action, findings: byRank(candidate.claims), reason })),
    advice: findings.filter((f) => (f.actions ?? []).length === 0),
  };
}

/** Turns findings into a plan checked as a whole, with each step's statements for the dialect. */
export function planFix(findings: readonly Finding[], model: SchemaModel, context: PlanContext): MigrationPlan {
  const decision = decidePlan(findings, model);
  const steps: PlanStep[] = decision.accepted.map(({ action, findings: resolved }) => {
    const emitted = context.emitter.emit(action);
    const refs = resolved.map(refOf);
    return {
      id: stepId(action),
      finding: refs[0]!,
      findings: refs,
      action,
      summary: summarize(action),
      up: emitted.up,
      down: emitted.down,
      outsideTransaction: emitted.outsideTransaction,
      notes: [...emitted.notes, ...new Set(resolved.flatMap((f) => f.fixNotes ?? []))],
      irreversible: emitted.irreversible,
    };
  });
  const refused: RefusedAction[] = decision.refused.map(({ action, findings: proposers, reason }) => ({
    summary: summarize(action),
    findings: proposers.map(refOf),
    reason,
  }));
  const skipped: SkippedFinding[] = decision.advice.map((f) => ({
    finding: refOf(f),
    reason: 'no automatic fix: the finding is advice (see its help)',
  }));
  return {
    version: PLAN_VERSION,
    generator: `dbdoctor ${VERSION}`,
    createdAt: (context.now ?? new Date()).toISOString(),
    target: context.target,
    schemas: context.schemas ?? [],
    settings: { ...DEFAULT_MIGRATION_SETTINGS, ...context.settings },
    steps,
    skipped,
    refused,
  };
}

export { summarize, whyNotFixable } from './order.js';
export type { PlanDecision } from './types.js';
