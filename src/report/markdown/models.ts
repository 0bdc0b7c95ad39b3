/**
 * The seed audit's table for SQLAlchemy models: per model file and column, the index it declares,
 * what covers it, and dbdoctor's verdict, so a reader sees which line of which model to change.
 * Shown when findings point into Python files (a models target, or `--models`).
 */
import type { ReportEntry } from '../analysis/entries.js';
import { code, header, row } from './syntax.js';

/** Verdict words for the plan's decision on an object. */
const VERDICT: Readonly<Record<ReportEntry['decision']['kind'], string>> = {
  drop: 'remove the declaration',
  create: 'declare the new index',
  change: 'change the declaration',
  kept: 'keep (the plan as a whole needs it)',
  advice: 'review',
};

/** `## Model Declarations`: one row per object whose finding points at a model file. */
export function modelsSection(entries: readonly ReportEntry[]): string[] {
  const rows = entries.filter((e) => e.location !== null && e.location.file.endsWith('.py'));
  if (rows.length === 0) return [];
  const out = [
    '## Model Declarations',
    '',
    'Where the models declare what the findings are about; the fix writes the same change as `models.patch`.',
    '',
    ...header(['Model file', 'Table', 'Column(s)', 'Index', 'Covered by / reason', 'Verdict']),
  ];
  const sorted = [...rows].sort((a, b) => a.location!.file.localeCompare(b.location!.file) || a.location!.line - b.location!.line);
  for (const e of sorted) {
    const at = `${e.location!.file}:${e.location!.line}`;
    const covered = [...new Set(e.findings.map((f) => f.coveredBy ?? f.rule))].join(', ');
    out.push(row([code(at), e.table, e.keys.join(', '), e.name === null ? '' : code(e.name), covered, VERDICT[e.decision.kind]]));
  }
  out.push('');
  return out;
}
