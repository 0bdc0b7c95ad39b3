/**
 * The "Silenced" section: findings the configuration's `ignore` list suppressed, each with the
 * reason given there, so a silenced problem stays visible without counting against the audit.
 */
import type { AuditResult } from '../audit/types.js';

function where(f: { schema: string; table: string; index?: string; constraint?: string; subject?: string }): string {
  const table = f.schema === '' ? f.table : `${f.schema}.${f.table}`;
  const object = f.index ?? f.constraint ?? f.subject;
  return object === undefined ? table : `${table} › ${object}`;
}

/** Lines of the section for the text (`style: 'text'`) or markdown report; none when nothing was silenced. */
export function silencedSection(result: AuditResult, style: 'text' | 'markdown'): string[] {
  const suppressed = result.suppressed ?? [];
  if (suppressed.length === 0) return [];
  if (style === 'text') {
    return ['Silenced', ...suppressed.map((s) => `  - ${s.finding.rule} ${where(s.finding)} (${s.finding.severity}): ${s.reason}`), ''];
  }
  const esc = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return [
    '## Silenced',
    '',
    `${suppressed.length} finding${suppressed.length === 1 ? ' is' : 's are'} silenced by the configuration and not counted above:`,
    '',
    '| Rule | Object | Severity | Reason |',
    '|------|--------|----------|--------|',
    ...suppressed.map((s) => `| \`${s.finding.rule}\` | ${esc(where(s.finding))} | ${s.finding.severity} | ${esc(s.reason)} |`),
    '',
  ];
}
