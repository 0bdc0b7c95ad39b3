/** Markdown: strategy by table type, estimated savings, success criteria and next steps. */
import type { TableType } from '../../rules/context/classify-types.js';
import type { Analysis, CheckItem, CheckStatus, NextStep, TableStrategy } from '../analysis/index.js';
import { LOG_TABLE_MAX_INDEXES, strategiesByType, TYPE_STRATEGY, verdictOf } from '../analysis/index.js';
import { countOf, formatCount, humanBytes } from '../format.js';
import { capitalize, code, header, prose, row } from './syntax.js';

const TYPE_TITLE: { readonly [T in TableType]: string } = {
  transaction: 'Transaction Tables',
  log: 'Log Tables',
  junction: 'Junction Tables',
  unknown: 'Tables of Unknown Type',
};

const LETTERS = 'ABCD';

function tableBlock(s: TableStrategy): string[] {
  const classification = s.source === null ? 'not classified' : `${s.type}, ${s.confidence} confidence, from ${s.source}`;
  const lines = [`#### ${code(`${s.schema}.${s.table}`)} — ${classification}`, ''];
  // The writes are in the evidence; rows and size are what it lacks.
  const facts = [
    s.rowEstimate === null ? null : `~${countOf(Math.round(s.rowEstimate), 'row')}`,
    s.sizeBytes === null ? null : humanBytes(s.sizeBytes),
  ].filter((x): x is string => x !== null);
  if (facts.length > 0) lines.push(`- Size: ${facts.join(', ')}`);
  if (s.evidence.length > 0) lines.push(`- Evidence: ${s.evidence.map(prose).join('; ')}`);
  if (lines.length > 2) lines.push('');
  if (s.current.length === 0 && s.created.length === 0 && s.skipped.length === 0) return [...lines, 'No indexes.', ''];
  lines.push(...header(['Index', 'Keys', 'Size', 'Scans', 'Recommendation'], [2, 3]));
  for (const e of s.current) {
    const traits = e.traits.length > 0 ? ` (${e.traits.join(', ')})` : '';
    const v = verdictOf(e);
    const verdict = v.action === 'drop' ? `**drop** — ${v.because}` : v.because === '' ? 'keep' : `**keep** — ${prose(v.because)}`;
    lines.push(
      row([
        code(e.name),
        `${code(e.keys)}${prose(traits)}`,
        e.sizeBytes === null ? '—' : humanBytes(e.sizeBytes),
        e.scans === null ? '—' : formatCount(e.scans),
        verdict,
      ]),
    );
  }
  for (const c of s.created) lines.push(row([code(c.name), code(c.keys), '—', '—', `**create** — ${c.finding.rule}`]));
  for (const { index, reason } of s.skipped)
    lines.push(row([code(index.name), code(index.keys), '—', '—', `not created — ${prose(reason)} (${index.finding.rule} proposed it)`]));
  lines.push('');
  const before = s.current.length;
  lines.push(
    `Recommended index set (${before} → ${s.recommended.length}): ${s.recommended.length === 0 ? 'none' : s.recommended.map(code).join(', ')}`,
    '',
  );
  return lines;
}

/** Strategy by table type: the type's rule of thumb, then each table's evidence, indexes and recommended set. */
export function strategySection(analysis: Analysis): string[] {
  const lines = ['## Strategy by Table Type', ''];
  const groups = strategiesByType(analysis.strategies);
  if (groups.length === 0) return [...lines, 'No tables were audited.', ''];
  groups.forEach((group, i) => {
    lines.push(
      `### ${LETTERS[i] ?? i + 1}. ${TYPE_TITLE[group.type]} (${group.tables.length})`,
      '',
      `**Strategy**: ${TYPE_STRATEGY[group.type]}`,
      '',
    );
    if (group.type === 'log') lines.push(`A log table should need at most ${LOG_TABLE_MAX_INDEXES} indexes, primary key included.`, '');
    for (const s of group.tables) lines.push(...tableBlock(s));
  });
  return lines;
}

/** Estimated savings per table and in total, with how they were computed. */
export function savingsSection(analysis: Analysis): string[] {
  const { savings } = analysis;
  const lines = ['## Estimated Savings', ''];
  if (savings.tables.length === 0) return [...lines, 'No index is recommended for removal or creation.', ''];
  lines.push(
    ...header(['Table', 'Indexes dropped', 'Storage freed', 'Index writes per insert', 'Index writes saved since reset'], [1, 2, 4]),
  );
  for (const t of savings.tables) {
    const created = t.createdIndexes > 0 ? ` (+${t.createdIndexes} created)` : '';
    lines.push(
      row([
        code(`${t.schema}.${t.table}`),
        `${t.droppedIndexes}${created}`,
        t.droppedBytes === null ? '—' : humanBytes(t.droppedBytes),
        `${t.indexWritesPerInsertBefore} → ${t.indexWritesPerInsertAfter}`,
        t.indexWritesSinceReset === null ? '—' : formatCount(t.indexWritesSinceReset),
      ]),
    );
  }
  lines.push(
    row([
      '**Total**',
      `**${savings.droppedIndexes}**`,
      savings.droppedBytes === null ? '—' : `**${humanBytes(savings.droppedBytes)}**`,
      '',
      savings.indexWritesSinceReset === null ? '—' : `**${formatCount(savings.indexWritesSinceReset)}**`,
    ]),
    '',
    'Every insert writes one entry into each index of its table, and so does every update that is not HOT; a dropped index saves one index write per such row write. Storage is the size of the dropped indexes as measured now. Created indexes add their own writes, shown in the per-insert column.',
    '',
  );
  return lines;
}

const BOX: { readonly [S in CheckStatus]: string } = { pass: '- [x]', fail: '- [ ]', unknown: '- [ ] ❔', 'not-applicable': '- ➖' };
const STATUS_WORD: { readonly [S in CheckStatus]: string } = {
  pass: '',
  fail: '',
  unknown: ' _(not measured)_',
  'not-applicable': ' _(not applicable)_',
};

/** The success-criteria checklist: every box from a measurement. */
export function checklistSection(checklist: readonly CheckItem[]): string[] {
  const lines = ['## Success Criteria', ''];
  for (const group of ['Indexes', 'Monitoring', 'Statistics'] as const) {
    const items = checklist.filter((c) => c.group === group);
    if (items.length === 0) continue;
    const met = items.filter((c) => c.status === 'pass').length;
    lines.push(
      `${met === items.filter((c) => c.status !== 'not-applicable').length ? '✅' : '⬜'} **${group}** (${met} of ${items.length} met):`,
      '',
    );
    for (const c of items) lines.push(`${BOX[c.status]} ${c.label}${STATUS_WORD[c.status]} — ${prose(c.detail)}`);
    lines.push('');
  }
  return lines;
}

/** Next steps, most urgent first, with the commands that carry them out. */
export function nextStepsSection(steps: readonly NextStep[]): string[] {
  const lines = ['## Next Steps — Priority Order', ''];
  if (steps.length === 0) return [...lines, 'Nothing to do: keep auditing after schema changes and as the statistics grow.', ''];
  steps.forEach((step, i) => {
    lines.push(`${i + 1}. **[${step.priority}] ${prose(step.title)}** — ${step.when}. ${prose(capitalize(step.detail))}`);
    // Continuation lines indent to the item's text, or "10." would end the list.
    const indent = ' '.repeat(`${i + 1}. `.length);
    if (step.commands.length > 0)
      lines.push('', `${indent}\`\`\`bash`, ...step.commands.map((c) => `${indent}${c}`), `${indent}\`\`\``, '');
  });
  if (lines[lines.length - 1] !== '') lines.push('');
  return lines;
}
