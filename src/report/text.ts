import type { AuditResult } from '../audit/types.js';
import { analyze, limitationLines } from './analysis/index.js';
import { countOf, describeTarget, summaryLine } from './format.js';
import { palette, safe, wrapped, type Palette } from './text/layout.js';
import { entriesSection } from './text/entries.js';
import { checklistSection, nextStepsSection, strategySection, summarySection } from './text/sections.js';
import { silencedSection } from './silenced.js';
import type { RenderOptions, Reporter } from './types.js';

function limitationsSection(p: Palette, result: AuditResult, analysis: ReturnType<typeof analyze>): string[] {
  const items = limitationLines(result, analysis.statistics);
  return items.length === 0 ? [] : [p.bold('Limitations'), ...items.map((l) => `  - ${safe(l)}`), ''];
}

/** Columns when the output is not a terminal. */
const DEFAULT_WIDTH = 100;
/** Entries shown per severity: enough to act on, few enough to read. */
const DEFAULT_LIMIT = 8;

function render(result: AuditResult, options: RenderOptions): string {
  const p = palette(options.color);
  const { summary } = result;
  const analysis = analyze(result);
  const width = options.width ?? DEFAULT_WIDTH;
  const out: string[] = [
    ...wrapped(
      `${p.bold('dbdoctor')} · ${safe(describeTarget(result.target))} · ${countOf(summary.tables, 'table')}, ${countOf(summary.indexes, 'index')}, ${countOf(summary.foreignKeys, 'foreign key')}`,
      width,
      '',
      '  ',
    ),
    '',
    ...summarySection(p, result, analysis, width),
    ...entriesSection(p, result, analysis.entries, width, options.limit ?? DEFAULT_LIMIT),
    ...strategySection(p, analysis, width),
    ...checklistSection(p, analysis, width),
    ...nextStepsSection(p, analysis, width),
    ...silencedSection(result, 'text'),
    ...limitationsSection(p, result, analysis),
  ];
  out.push(...wrapped(p.bold(summaryLine(result, analysis.entries, analysis.savings.droppedBytes ?? undefined)), width, '', ''));
  return `${out.join('\n')}\n`;
}

/**
 * The terminal report: the same analysis as the markdown document — summary, findings by
 * severity with evidence and fix, strategy by table type, savings, success criteria, next steps.
 */
export const textReporter: Reporter = { name: 'text', fileExtension: 'txt', render };
