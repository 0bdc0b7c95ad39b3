import type { AuditResult } from '../audit/types.js';
import type { Finding } from '../rules/types.js';
import { analyze, limitationLines } from './analysis/index.js';
import {
  countOf,
  describeFacts,
  describeTarget,
  factReader,
  findingObject,
  groupBySeverity,
  humanBytes,
  severityLabel,
  sqlStatement,
  summaryLine,
  tableName,
  type FindingFacts,
} from './format.js';
import { heading, palette, safe, type Palette } from './text/layout.js';
import { checklistSection, nextStepsSection, savingsSection, strategySection, summarySection } from './text/sections.js';
import { silencedSection } from './silenced.js';
import { findingRows, type FindingRow } from './finding-rows.js';
import type { RenderOptions, Reporter } from './types.js';

const LABEL_WIDTH = 7;
const INDENT = '    ';

/** `label first line`, further lines aligned under the first. */
function labelled(p: Palette, label: string, lines: readonly string[]): string[] {
  const pad = ' '.repeat(LABEL_WIDTH);
  return lines.map((line, i) => `${INDENT}${i === 0 ? p.dim(label.padEnd(LABEL_WIDTH)) : pad}${safe(line)}`);
}

function findingBlock(p: Palette, f: Finding, facts: FindingFacts, row: FindingRow): string[] {
  const object = findingObject(f);
  const where = object === null ? tableName(f) : `${tableName(f)} › ${object}`;
  const lines = [`  ${p.bold(f.rule)}  ${safe(where)}`, `${INDENT}${safe(f.message)}`];
  lines.push(...labelled(p, 'help:', [f.help]));
  const described = describeFacts(facts);
  if (described.length > 0) lines.push(...labelled(p, 'facts:', [described.join(' · ')]));
  // A table-level finding (over-indexed-table) acts on several indexes: name them with their total size.
  if (f.index === undefined && row.indexes.length > 0) {
    const size = row.sizeBytes === null ? '' : ` (${humanBytes(row.sizeBytes)})`;
    lines.push(...labelled(p, 'drops:', [`${row.indexes.join(', ')}${size}`]));
  }
  if (f.fix && f.fix.up.length > 0) {
    lines.push(...labelled(p, 'fix:', f.fix.up.map(sqlStatement)));
    if (f.fix.down.length > 0) lines.push(...labelled(p, 'undo:', f.fix.down.map(sqlStatement)));
    for (const note of f.fix.notes ?? []) lines.push(...labelled(p, 'note:', [note]));
  } else {
    lines.push(...labelled(p, 'fix:', ['none generated; see help']));
  }
  return lines;
}

function findingsSection(p: Palette, result: AuditResult): string[] {
  const out = [heading(p, 'Findings by severity')];
  const groups = groupBySeverity(result.findings);
  if (groups.length === 0) out.push(`${p.good('✓')} No findings: no index problems were found.`, '');
  const facts = factReader(result.model);
  const rows = findingRows(result);
  for (const group of groups) {
    const paint = p.severity[group.severity];
    out.push(`${paint('●')} ${p.bold(paint(severityLabel(group.severity)))}  ${p.dim(countOf(group.findings.length, 'finding'))}`, '');
    for (const f of group.findings) out.push(...findingBlock(p, f, facts(f), rows.row(f)), '');
  }
  return out;
}

function limitationsSection(p: Palette, result: AuditResult, analysis: ReturnType<typeof analyze>): string[] {
  const items = limitationLines(result, analysis.statistics);
  return items.length === 0 ? [] : [p.bold('Limitations'), ...items.map((l) => `  - ${safe(l)}`), ''];
}

function render(result: AuditResult, options: RenderOptions): string {
  const p = palette(options.color);
  const { summary } = result;
  const analysis = analyze(result);
  const out: string[] = [
    `${p.bold('dbdoctor')} · ${safe(describeTarget(result.target))} · ${countOf(summary.tables, 'table')}, ${countOf(summary.indexes, 'index')}, ${countOf(summary.foreignKeys, 'foreign key')}`,
    '',
    ...summarySection(p, result, analysis),
    ...findingsSection(p, result),
    ...strategySection(p, analysis),
    ...savingsSection(p, analysis),
    ...checklistSection(p, analysis),
    ...nextStepsSection(p, analysis),
    ...silencedSection(result, 'text'),
    ...limitationsSection(p, result, analysis),
  ];
  out.push(p.bold(summaryLine(result, analysis.savings.droppedBytes)));
  return `${out.join('\n')}\n`;
}

/**
 * The terminal report: the same analysis as the markdown document — summary, findings by
 * severity with evidence and fix, strategy by table type, savings, success criteria, next steps.
 */
export const textReporter: Reporter = { name: 'text', fileExtension: 'txt', render };
