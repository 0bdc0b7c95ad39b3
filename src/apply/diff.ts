/** What an apply changed, as two audits see it. */
import { isJournalFinding } from '../plan/types.js';
import type { Finding } from '../rules/types.js';

/** Identifies a finding across audits: rule and the object it is about. */
export function findingKey(f: Pick<Finding, 'rule' | 'schema' | 'table' | 'index' | 'constraint'>): string {
  return [f.rule, f.schema, f.table, f.index ?? '', f.constraint ?? ''].join('\u0000');
}

export interface FindingsDiff {
  /** In the audit before, gone after. */
  readonly fixed: readonly Finding[];
  /** In both. */
  readonly remaining: readonly Finding[];
  /** Only in the audit after. */
  readonly appeared: readonly Finding[];
}

export function diffFindings(before: readonly Finding[], after: readonly Finding[]): FindingsDiff {
  const relevant = (fs: readonly Finding[]): Finding[] => fs.filter((f) => !isJournalFinding(f));
  const afterKeys = new Set(relevant(after).map(findingKey));
  const beforeKeys = new Set(relevant(before).map(findingKey));
  return {
    fixed: relevant(before).filter((f) => !afterKeys.has(findingKey(f))),
    remaining: relevant(after).filter((f) => beforeKeys.has(findingKey(f))),
    appeared: relevant(after).filter((f) => !beforeKeys.has(findingKey(f))),
  };
}

function name(f: Finding): string {
  return `${f.rule} (${f.severity}) ${f.schema}.${f.index ?? f.constraint ?? f.table}`;
}

/** The lines `dbdoctor apply` prints after its re-audit; after a rollback the findings that return are "back". */
export function renderDiff(diff: FindingsDiff, after: 'apply' | 'rollback' = 'apply'): string[] {
  const returned = after === 'rollback' ? 'back' : 'new';
  const lines = [
    `Re-audit: ${diff.fixed.length} finding${diff.fixed.length === 1 ? '' : 's'} gone, ${diff.appeared.length} ${returned}, ${diff.remaining.length} unchanged.`,
  ];
  for (const f of diff.fixed) lines.push(`  gone: ${name(f)}`);
  for (const f of diff.appeared) lines.push(`  ${`${returned}:`.padEnd(5)} ${name(f)}: ${f.message}`);
  return lines.map((l) => l.replace(/[\r\n]+/g, ' '));
}
