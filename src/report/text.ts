import type { AuditResult } from '../audit/types.js';
import type { Finding, Severity } from '../rules/types.js';
import {
  countOf,
  describeFacts,
  describeTarget,
  factReader,
  findingObject,
  groupBySeverity,
  severityLabel,
  sqlStatement,
  summaryLine,
  tableName,
  type FindingFacts,
} from './format.js';
import type { RenderOptions, Reporter } from './types.js';

type Paint = (text: string) => string;

/** The handful of ANSI styles the report uses; identity functions when colour is off. */
interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly severity: { readonly [S in Severity]: Paint };
}

function sgr(open: number, close: number): Paint {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

function palette(color: boolean): Palette {
  if (!color) {
    const plain: Paint = (text) => text;
    return { bold: plain, dim: plain, severity: { critical: plain, medium: plain, low: plain } };
  }
  // Red, yellow, green: the seed audit's 🔴/🟡/🟢.
  return { bold: sgr(1, 22), dim: sgr(2, 22), severity: { critical: sgr(31, 39), medium: sgr(33, 39), low: sgr(32, 39) } };
}

const LABEL_WIDTH = 7;
const INDENT = '    ';

/** `label first line`, further lines aligned under the first. */
function labelled(p: Palette, label: string, lines: readonly string[]): string[] {
  const pad = ' '.repeat(LABEL_WIDTH);
  return lines.map((line, i) => `${INDENT}${i === 0 ? p.dim(label.padEnd(LABEL_WIDTH)) : pad}${line}`);
}

function findingBlock(p: Palette, f: Finding, facts: FindingFacts): string[] {
  const object = findingObject(f);
  const where = object === null ? tableName(f) : `${tableName(f)} › ${object}`;
  const lines = [`  ${p.bold(f.rule)}  ${where}`, `${INDENT}${f.message}`];
  lines.push(...labelled(p, 'help:', [f.help]));
  const described = describeFacts(facts);
  if (described.length > 0) lines.push(...labelled(p, 'facts:', [described.join(' · ')]));
  if (f.fix && f.fix.up.length > 0) {
    lines.push(...labelled(p, 'fix:', f.fix.up.map(sqlStatement)));
    if (f.fix.down.length > 0) lines.push(...labelled(p, 'undo:', f.fix.down.map(sqlStatement)));
    for (const note of f.fix.notes ?? []) lines.push(...labelled(p, 'note:', [note]));
  } else {
    lines.push(...labelled(p, 'fix:', ['none generated; see help']));
  }
  return lines;
}

function render(result: AuditResult, options: RenderOptions): string {
  const p = palette(options.color);
  const { summary } = result;
  const out: string[] = [
    `${p.bold('dbdoctor')} · ${describeTarget(result.target)} · ${countOf(summary.tables, 'table')}, ${countOf(summary.indexes, 'index')}, ${countOf(summary.foreignKeys, 'foreign key')}`,
    '',
  ];
  const groups = groupBySeverity(result.findings);
  if (groups.length === 0) {
    out.push(`${p.severity.low('✓')} No findings: no index problems were found.`, '');
  }
  const facts = factReader(result.model);
  for (const group of groups) {
    const paint = p.severity[group.severity];
    out.push(`${paint('●')} ${p.bold(paint(severityLabel(group.severity)))}  ${p.dim(countOf(group.findings.length, 'finding'))}`, '');
    for (const f of group.findings) out.push(...findingBlock(p, f, facts(f)), '');
  }
  if (summary.limitations.length > 0) {
    out.push(p.bold('Limitations'), ...summary.limitations.map((l) => `  - ${l}`), '');
  }
  out.push(p.bold(summaryLine(result)));
  return `${out.join('\n')}\n`;
}

/** The terminal report: findings by severity, each with its evidence and fix. */
export const textReporter: Reporter = { name: 'text', fileExtension: 'txt', render };
