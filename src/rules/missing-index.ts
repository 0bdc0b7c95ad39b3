import type { MissingIndexCandidate } from '../workload/plans/types.js';
import { defineRule } from './define-rule.js';
import { tableEvidence, writesOf } from './_evidence.js';
import { queryEvidence } from './_workload-evidence.js';
import { createAction } from './_actions.js';
import type { EvidenceValue, Finding } from './types.js';

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

/** The candidate's proposal, as the fix builds it. */
function proposalOf(c: MissingIndexCandidate): MissingIndexCandidate['proposal'] {
  return c.proposal;
}

/**
 * A query whose plan reads a large table in full (or walks an index and discards most rows) for
 * a selective predicate, a join or a sort, and the index it needs. With hypopg installed the
 * index is tried as a hypothetical one and proposed only when the plan cost falls enough; on a
 * log table the bar is higher, because every insert pays for every index. Needs a workload and
 * the planner step (plans in the rule context).
 */
export const missingIndex = defineRule({
  id: 'missing-index',
  severity: 'medium',
  docs: {
    description: 'Queries whose plan reads a large table in full for a selective predicate, join or sort, with the index that serves them.',
  },
  check(context) {
    const plans = context.plans;
    const workload = context.workload;
    if (!plans || !workload) return [];
    const queries = new Map(workload.queries.map((q) => [q.fingerprint, q]));
    const byProposal = new Map<string, MissingIndexCandidate[]>();
    for (const c of plans.candidates) {
      if (c.existingIndex !== null || c.verification.status === 'rejected') continue;
      const list = byProposal.get(c.proposal.definition) ?? [];
      list.push(c);
      byProposal.set(c.proposal.definition, list);
    }
    const findings: Finding[] = [];
    for (const candidates of byProposal.values()) {
      const first = candidates[0]!;
      const table = context.lookup.table(first.schema, first.table);
      const isLog = context.tableTypes.of(first.schema, first.table)?.type === 'log';
      const writes = writesOf(table?.usage ?? null);
      const verified = candidates.filter((c) => c.verification.status === 'verified');
      const bar = isLog ? plans.settings.minSavingLogTable : plans.settings.minSaving;
      const best = verified
        .map((c) => (c.verification.status === 'verified' ? c.verification.saving : 0))
        .reduce((a, b) => Math.max(a, b), 0);
      // Verified, but on a log table the saving must clear the higher bar.
      if (verified.length > 0 && best < bar) continue;
      const calls = candidates.reduce((n, c) => n + (queries.get(c.fingerprint)?.calls ?? 0), 0);
      const keys = first.proposal.keys.map((k) => `${k.sql}${k.descending ? ' DESC' : ''}`);
      const isVerified = verified.length > 0;
      const logNote = isLog
        ? ` ${first.table} is a log table${writes !== null ? ` (${writes.toLocaleString('en-US')} writes since the statistics reset)` : ''}: every insert also writes this index, so ${isVerified ? `it is proposed only because it cuts the plan cost by ${pct(best)} (the bar for log tables is ${pct(bar)})` : 'weigh the reads it speeds up against that cost before adding it'}.`
        : '';
      const verification = isVerified
        ? `hypopg confirms it: the plan cost falls by ${pct(best)}`
        : `not verified: ${first.verification.status === 'not-verified' ? first.verification.reason : 'no check'}`;
      const fk = context.model.foreignKeys.find(
        (f) =>
          f.schema === first.schema &&
          f.table === first.table &&
          f.columns.length === first.proposal.keys.length &&
          f.columns.every((col, i) => first.proposal.keys[i]!.column === col.column && !first.proposal.keys[i]!.sql.startsWith('(')),
      );
      const evidenceQueries: EvidenceValue[] = candidates.map((c) => {
        const q = queries.get(c.fingerprint);
        const v = c.verification;
        return {
          ...(q ? queryEvidence(q) : { query: c.fingerprint }),
          reason: c.reason,
          plan: c.planDetail,
          costBefore: v.status === 'not-verified' ? null : v.costBefore,
          costAfter: v.status === 'not-verified' ? null : v.costAfter,
          saving: v.status === 'not-verified' ? null : Number(v.saving.toFixed(3)),
        };
      });
      findings.push({
        rule: 'missing-index',
        severity: isVerified && !isLog ? 'medium' : 'low',
        schema: first.schema,
        table: first.table,
        index: first.proposal.name,
        columns: first.proposal.keys.map((k) => k.column),
        ...(fk ? { constraint: fk.name } : {}),
        message: `${candidates.length === 1 ? 'A query' : `${candidates.length} queries`}${calls > 0 ? ` (${calls.toLocaleString('en-US')} calls)` : ''} ${candidates.length === 1 ? 'reads' : 'read'} ${first.schema}.${first.table} (${first.tableRows.toLocaleString('en-US')} rows) without a fitting index: ${first.planDetail} An index on (${keys.join(', ')})${first.proposal.predicate ? ` WHERE ${first.proposal.predicate}` : ''} serves ${candidates.length === 1 ? 'it' : 'them'}; ${verification}.${logNote}`,
        help: `Create ${first.proposal.name} concurrently${fk ? ` (it also serves the foreign key ${fk.name})` : ''}.`,
        evidence: {
          proposal: first.proposal.definition,
          verified: isVerified,
          verification: isVerified ? 'hypopg' : first.verification.status === 'not-verified' ? first.verification.reason : 'none',
          requiredSaving: bar,
          queries: evidenceQueries,
          tableType: context.tableTypes.of(first.schema, first.table)?.type ?? 'unknown',
          table: tableEvidence(table),
          writesSinceStatsReset: writes,
        },
        actions: [
          createAction(
            proposalOf(first).spec,
            table,
            context.model,
            context.facts.names,
            first.proposal.keys.map((k) => k.column),
          ),
        ],
      });
    }
    return findings;
  },
});
