/** Plain SQL for review: `up.sql` and `down.sql`, one annotated statement per line group. */
import type { MigrationPlan } from '../plan/types.js';
import { describeStep, headerLines, irreversibleLine, leftOutLines, oneLine, resetSettings, sessionSettings } from './common.js';
import type { MigrationFile, MigrationWriter } from './types.js';

const comment = (lines: readonly string[]): string => lines.map((l) => (l === '' ? '--' : `-- ${l}`)).join('\n');

const HOW_TO_RUN_POSTGRES = [
  'Run it outside a transaction block, one statement at a time, stopping at the first error:',
  '  psql -X -v ON_ERROR_STOP=1 -f FILE "$DATABASE_URL"',
  '(never with --single-transaction: CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction),',
  'or with `dbdoctor apply --from DIR`, which also retries lock timeouts, drops what a failed concurrent',
  'build leaves behind and journals every step so it can be resumed or rolled back.',
  'Every statement is guarded by IF [NOT] EXISTS where the database allows it, so a rerun skips what is done.',
];

/** How to run the file, in the words of the plan's database. */
function howToRun(plan: MigrationPlan, file: string): string[] {
  switch (plan.target.dialect) {
    case 'mysql':
      return [
        'Run it one statement at a time, stopping at the first error:',
        `  mysql --database=DB < ${file}`,
        'MySQL commits every ALTER TABLE by itself: a failed run stops after the last statement that worked,',
        'and down.sql undoes the steps one by one.',
      ];
    case 'sqlite':
      return [
        'SQLite DDL is transactional: run it in one transaction, stopping at the first error:',
        `  (echo BEGIN; cat ${file}; echo COMMIT) | sqlite3 -bail app.db`,
        'Every statement is guarded by IF [NOT] EXISTS where SQLite allows it, so a rerun skips what is done.',
      ];
    case 'postgres':
      return HOW_TO_RUN_POSTGRES.map((l) => l.replace('FILE', file));
  }
}

/** up.sql: the session settings, each step annotated, what was left out, the reset. */
function upSql(plan: MigrationPlan): string {
  const out: string[] = [comment([...headerLines(plan, 'up'), '', ...howToRun(plan, 'up.sql')]), ''];
  out.push(...sessionSettings(plan).map((s) => `${s};`), '');
  plan.steps.forEach((step, i) => {
    out.push(comment(describeStep(step, i + 1, plan.steps.length)));
    out.push(...step.up.map((s) => `${s.sql};`), '');
  });
  const left = leftOutLines(plan);
  if (left.length > 0) out.push(comment(['Not in this migration:', ...left]), '');
  out.push(...resetSettings(plan).map((s) => `${s};`), '');
  return out.join('\n');
}

/** down.sql: every step undone, last first; a step that cannot be undone is a comment, so the file runs to its end. */
function downSql(plan: MigrationPlan): string {
  const out: string[] = [comment([...headerLines(plan, 'down'), 'Undoes up.sql, last step first.', '', ...howToRun(plan, 'down.sql')]), ''];
  out.push(...sessionSettings(plan).map((s) => `${s};`), '');
  const total = plan.steps.length;
  for (let i = total - 1; i >= 0; i--) {
    const step = plan.steps[i]!;
    const lines = describeStep(step, i + 1, total);
    lines[0] = oneLine(`Undo step ${i + 1}/${total}: ${step.summary}`);
    if (step.down.length === 0) {
      out.push(comment([...lines, irreversibleLine(step)]), '');
      continue;
    }
    out.push(comment(lines));
    out.push(...step.down.map((s) => `${s.sql};`), '');
  }
  out.push(...resetSettings(plan).map((s) => `${s};`), '');
  return out.join('\n');
}

export const sqlWriter: MigrationWriter = {
  name: 'sql',
  description: 'up.sql and down.sql, annotated, for review and psql',
  render(plan): Promise<MigrationFile[]> {
    return Promise.resolve([
      { path: 'up.sql', content: upSql(plan) },
      { path: 'down.sql', content: downSql(plan) },
    ]);
  },
};
