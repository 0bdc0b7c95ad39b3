/**
 * A Knex migration (CommonJS, as `knex migrate:make` writes one) that runs outside a
 * transaction (`exports.config = { transaction: false }`) and sends each statement with
 * `knex.raw`, all on one connection so the session's lock and statement timeouts hold.
 */
import { UserError } from '../util/errors.js';
import type { MigrationPlan } from '../plan/types.js';
import { headerLines, irreversibleLine, resetSettings, sessionSettings, stepsInDirection } from './common.js';
import type { MigrationFile, MigrationWriter } from './types.js';

/**
 * The SQL as `knex.raw` must be given it: Knex turns a bare `?` into a bind placeholder and
 * `\?` into a literal `?`. A `?` right after a backslash cannot be expressed.
 */
export function knexRawSql(sql: string): string {
  return sql.replace(/(\\*)\?/g, (match, escapes: string) => {
    if (escapes.length > 0) throw new UserError(`statement cannot be written for knex.raw (a backslash before "?"): ${sql}`);
    return '\\?';
  });
}

/** A JavaScript string literal. */
const js = (text: string): string => JSON.stringify(text);

function statementsBlock(plan: MigrationPlan, direction: 'up' | 'down'): string[] {
  const lines: string[] = [];
  for (const { step, description, statements } of stepsInDirection(plan, direction)) {
    lines.push(...description.map((l) => `    // ${l}`));
    if (statements.length === 0) lines.push(`    // ${irreversibleLine(step)}`);
    for (const s of statements) lines.push(`    ${js(knexRawSql(s.sql))},`);
  }
  return lines;
}

export const knexWriter: MigrationWriter = {
  name: 'knex',
  description: 'a Knex migration (CommonJS) running raw statements outside a transaction',
  render(plan: MigrationPlan): Promise<MigrationFile[]> {
    const stamp = plan.createdAt.replace(/\D/g, '').slice(0, 14);
    const source = [
      ...headerLines(plan, 'both').map((l) => `// ${l}`),
      '// `dbdoctor apply --from` runs the same plan (dbdoctor-plan.json) with retries and a journal.',
      "'use strict';",
      '',
      ...(plan.steps.some((step) => step.outsideTransaction)
        ? [
            '// Some statements cannot run inside a transaction (CREATE/DROP INDEX CONCURRENTLY; MySQL commits DDL itself).',
            'exports.config = { transaction: false };',
          ]
        : [
            '// Every statement is transactional (SQLite DDL): the migration runs in one transaction.',
            'exports.config = { transaction: true };',
          ]),
      '',
      `const SETTINGS = [${sessionSettings(plan).map(js).join(', ')}];`,
      `const RESET = [${resetSettings(plan).map(js).join(', ')}];`,
      '',
      '// One connection for the whole migration, so that SET lock_timeout applies to every statement.',
      'async function run(knex, statements) {',
      '  const connection = await knex.client.acquireConnection();',
      '  try {',
      '    for (const sql of [...SETTINGS, ...statements]) await knex.raw(sql).connection(connection);',
      '  } finally {',
      '    for (const sql of RESET) await Promise.resolve(knex.raw(sql).connection(connection)).catch(() => undefined);',
      '    await knex.client.releaseConnection(connection);',
      '  }',
      '}',
      '',
      'exports.up = async function up(knex) {',
      '  await run(knex, [',
      ...statementsBlock(plan, 'up'),
      '  ]);',
      '};',
      '',
      'exports.down = async function down(knex) {',
      '  await run(knex, [',
      ...statementsBlock(plan, 'down'),
      '  ]);',
      '};',
      '',
    ];
    return Promise.resolve([{ path: `${stamp}_dbdoctor_fix_indexes.js`, content: source.join('\n') }]);
  },
};
