/** Terminal: the findings as one entry per object, every reason and the one thing the plan does to it. */
import type { AuditResult } from '../../audit/types.js';
import { entriesBySeverity, type ReportEntry } from '../analysis/index.js';
import { countOf, formatCount, humanBytes, severityLabel, sqlStatement } from '../format.js';
import { displayWidth, heading, safe, wrapped, type Palette } from './layout.js';

const INDENT = '    ';
const LABEL = 8;

/** What the entry is, after its name: `index (a, b) · 40.0 kB · 3 scans`. */
function facts(e: ReportEntry): string {
  const parts: string[] = [];
  const keys = e.keys.length > 0 ? ` (${e.keys.join(', ')})` : '';
  if (e.kind === 'index') parts.push(`index${keys}`);
  if (e.kind === 'new-index') parts.push(`new index${keys}`);
  if (e.kind === 'foreign-key') parts.push(`foreign key${keys}`);
  if (e.sizeBytes !== null) parts.push(humanBytes(e.sizeBytes));
  if (e.scans !== null) parts.push(`${formatCount(e.scans)} scans`);
  return parts.join(' · ');
}

function title(e: ReportEntry): string {
  if (e.kind === 'database') return e.name ?? 'database';
  return e.name === null ? `${e.schema}.${e.table}` : `${e.schema}.${e.table} › ${e.name}`;
}

/**
 * A finding's message as a reason of this entry. A table-wide finding (over-indexed-table) shown
 * on each index it drops says what it says of the table, up to its list of indexes: the list is
 * the other entries.
 */
function reasonText(f: ReportEntry['findings'][number], e: ReportEntry): string {
  if (f.index !== undefined || e.kind !== 'index') return f.message;
  const colon = f.message.indexOf(': ');
  return colon < 0 ? f.message : `${f.message.slice(0, colon)}.`;
}

function labelled(p: Palette, label: string, text: string, width: number): string[] {
  return wrapped(safe(text), width, `${INDENT}${p.dim(label.padEnd(LABEL))}`, `${INDENT}${' '.repeat(LABEL)}`);
}

function entryLines(p: Palette, e: ReportEntry, width: number): string[] {
  const head = `  ${p.bold(safe(title(e)))}`;
  const detail = facts(e);
  const lines =
    detail === ''
      ? [head]
      : displayWidth(`${head}  ${detail}`) <= width
        ? [`${head}  ${p.dim(safe(detail))}`]
        : [head, `${INDENT}${p.dim(safe(detail))}`];
  const ruleWidth = Math.max(...e.findings.map((f) => displayWidth(f.rule)));
  for (const f of e.findings) {
    lines.push(
      ...wrapped(
        safe(reasonText(f, e)),
        width,
        `${INDENT}${p.severity[f.severity](f.rule.padEnd(ruleWidth))}  `,
        `${INDENT}${' '.repeat(ruleWidth + 2)}`,
      ),
    );
  }
  const d = e.decision;
  if (d.kind === 'kept') lines.push(...labelled(p, 'keep:', `the fix plan keeps it: ${d.summary}`, width));
  else if (d.kind === 'advice') lines.push(...labelled(p, 'advice:', d.summary, width));
  else {
    lines.push(...labelled(p, 'fix:', d.up.map(sqlStatement).join(' '), width));
    if (d.down.length > 0) lines.push(...labelled(p, 'undo:', d.down.map(sqlStatement).join(' '), width));
    for (const note of d.notes.filter((n) => n.startsWith('Not undone'))) lines.push(...labelled(p, 'note:', note, width));
  }
  if (e.location !== null) lines.push(...labelled(p, 'at:', `${e.location.file}:${e.location.line}`, width));
  return lines;
}

/** Entries by severity, at most `limit` per severity, the rest counted with where to see them. */
export function entriesSection(p: Palette, result: AuditResult, entries: readonly ReportEntry[], width: number, limit: number): string[] {
  const out = [heading(p, 'Findings by severity')];
  const groups = entriesBySeverity(entries);
  if (groups.length === 0) out.push(`${p.good('✓')} No findings: no index problems were found.`, '');
  for (const group of groups) {
    const paint = p.severity[group.severity];
    const findings = group.entries.reduce((n, e) => n + e.findings.length, 0);
    out.push(
      `${paint('●')} ${p.bold(paint(severityLabel(group.severity)))}  ${p.dim(`${countOf(group.entries.length, 'object')}, ${countOf(findings, 'finding')}`)}`,
      '',
    );
    for (const e of group.entries.slice(0, limit)) out.push(...entryLines(p, e, width), '');
    const more = group.entries.length - limit;
    if (more > 0) {
      out.push(
        `  ${p.dim(`… and ${countOf(more, `more ${group.severity} object`)}: every entry is in --format markdown, html or json.`)}`,
        '',
      );
    }
  }
  if (result.summary.baseline) {
    out.push(
      `  ${p.dim(`${countOf(result.summary.baseline.known, 'known finding')} of the baseline ${safe(result.summary.baseline.file)} left out.`)}`,
      '',
    );
  }
  return out;
}
