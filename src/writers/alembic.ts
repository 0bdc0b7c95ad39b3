/**
 * An Alembic revision, laid out as `alembic revision` writes one. Everything runs inside
 * `op.get_context().autocommit_block()` (CONCURRENTLY cannot run in a transaction); indexes are
 * dropped and created with `op.drop_index` / `op.create_index` and their `postgresql_*` options,
 * expressions and predicates through `sa.text`; whatever Alembic has no operation for
 * (constraints attached to an index, `ON ONLY`, `ATTACH PARTITION`, comments) through `op.execute`.
 * `if_exists` / `if_not_exists` are passed where the installed Alembic has them (1.12+ with SQLAlchemy 2.0).
 */
import type { IndexSpec, Statement } from '../model/actions.js';
import type { IndexKey } from '../model/types.js';
import { quoteIdent } from '../sql/quote.js';
import type { MigrationPlan, PlanStep } from '../plan/types.js';
import { irreversibleLine, oneLine, resetSettings, sessionSettings, stepsInDirection } from './common.js';
import type { MigrationFile, MigrationWriter, WriteOptions } from './types.js';

/** A Python string literal for any text (UTF-8 source). */
export function pyString(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/**
 * `sa.text(...)` for SQL that must reach the database unchanged: SQLAlchemy takes `:name` for
 * a bind parameter and turns `\:` back into `:`, so every colon is escaped (casts included).
 */
export function saText(sql: string): string {
  return `sa.text(${pyString(sql.replace(/:/g, '\\:'))})`;
}

/** `DESC`, `NULLS FIRST` … as pg_get_indexdef prints them (nothing for the btree default). */
function orderingSql(key: IndexKey): string {
  if (key.ordering === null) return '';
  if (key.ordering.descending) return key.ordering.nullsFirst ? ' DESC' : ' DESC NULLS LAST';
  return key.ordering.nullsFirst ? ' NULLS FIRST' : '';
}

/** `op.create_index(...)` that builds exactly this (non-partitioned) index. */
function createIndexOp(index: IndexSpec, concurrently: boolean): string {
  const ops = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const k of index.keys) if (k.kind === 'column' && k.column !== null) counts.set(k.column, (counts.get(k.column) ?? 0) + 1);
  const columns = index.keys.map((k) => {
    const collate = k.collation !== null && !k.collationIsDefault ? ` COLLATE ${k.collation}` : '';
    const opclass = k.opclass !== null && !k.opclassIsDefault ? ` ${k.opclass}` : '';
    const order = orderingSql(k);
    if (k.kind === 'column' && k.column !== null && collate === '' && order === '' && counts.get(k.column) === 1) {
      if (opclass !== '') ops.set(k.column, k.opclass!);
      return pyString(k.column);
    }
    const base = k.kind === 'column' && k.column !== null ? quoteIdent(k.column) : `(${k.expression})`;
    return saText(`${base}${collate}${opclass}${order}`);
  });
  const args = [pyString(index.name), pyString(index.table), `[${columns.join(', ')}]`, `schema=${pyString(index.schema)}`];
  if (index.unique) args.push('unique=True');
  if (index.method !== 'btree') args.push(`postgresql_using=${pyString(index.method)}`);
  if (ops.size > 0) args.push(`postgresql_ops={${[...ops].map(([c, o]) => `${pyString(c)}: ${pyString(o)}`).join(', ')}}`);
  if (index.include.length > 0) args.push(`postgresql_include=[${index.include.map(pyString).join(', ')}]`);
  if (index.nullsNotDistinct) args.push('postgresql_nulls_not_distinct=True');
  if (index.storageParameters.length > 0) {
    const entries = index.storageParameters.map((p) => {
      const eq = p.indexOf('=');
      return `${pyString(eq < 0 ? p : p.slice(0, eq))}: ${pyString(eq < 0 ? '' : p.slice(eq + 1))}`;
    });
    args.push(`postgresql_with={${entries.join(', ')}}`);
  }
  if (index.tablespace) args.push(`postgresql_tablespace=${pyString(index.tablespace)}`);
  if (index.predicate !== null) args.push(`postgresql_where=${saText(index.predicate)}`);
  if (concurrently) args.push('postgresql_concurrently=True');
  args.push('**IF_NOT_EXISTS');
  return `op.create_index(${args.join(', ')})`;
}

/** The indexes a step names, whose own `op.create_index` can rebuild or build them. */
function specsOf(step: PlanStep): IndexSpec[] {
  switch (step.action.kind) {
    case 'create-index':
      return step.action.onPartitionedTable ? [] : [step.action.index];
    case 'drop-index':
    case 'drop-constraint':
    case 'add-primary-key':
      return step.action.index.partitioned ? [] : [step.action.index];
    default:
      return [];
  }
}

/** The Alembic operation for one statement of a step: native where Alembic has one, `op.execute` otherwise. */
function renderStatement(statement: Statement, specs: readonly IndexSpec[]): string {
  const effect = statement.effect;
  if (effect.kind === 'create-index') {
    const spec = specs.find((i) => i.schema === effect.schema && i.name === effect.name);
    if (spec) return createIndexOp(spec, effect.concurrently);
  }
  if (effect.kind === 'drop-index') {
    const args = [pyString(effect.name), `table_name=${pyString(effect.table)}`, `schema=${pyString(effect.schema)}`];
    if (effect.concurrently) args.push('postgresql_concurrently=True');
    args.push('**IF_EXISTS');
    return `op.drop_index(${args.join(', ')})`;
  }
  return `op.execute(${saText(statement.sql)})`;
}

function renderBody(plan: MigrationPlan, direction: 'up' | 'down'): string[] {
  const indent = '        ';
  const lines = [
    '    # CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction: each statement commits by itself.',
    '    with op.get_context().autocommit_block():',
    ...sessionSettings(plan).map((s) => `${indent}op.execute(${saText(s)})`),
  ];
  for (const { step, description, statements } of stepsInDirection(plan, direction)) {
    lines.push('', ...description.map((l) => `${indent}# ${l}`));
    if (statements.length === 0) {
      lines.push(`${indent}# ${irreversibleLine(step)}`);
      continue;
    }
    const specs = specsOf(step);
    for (const statement of statements) lines.push(`${indent}${renderStatement(statement, specs)}`);
  }
  lines.push('', ...resetSettings(plan).map((s) => `${indent}op.execute(${saText(s)})`));
  return lines;
}

const REVISION_ID = /^[0-9A-Za-z_]+$/;

/** 12 hex digits, like Alembic's own revision ids. */
function randomRevision(random: () => number): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += Math.floor(random() * 16).toString(16);
  return id;
}

/** `2024-05-01 12:34:56.789000`, as Alembic prints Create Date. */
function createDate(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`;
}

export function isValidRevisionId(id: string): boolean {
  return REVISION_ID.test(id);
}

export const alembicWriter: MigrationWriter = {
  name: 'alembic',
  description: 'an Alembic revision file (op.drop_index / op.create_index, autocommit block)',
  render(plan: MigrationPlan, options: WriteOptions = {}): Promise<MigrationFile[]> {
    const revision = options.revision ?? randomRevision(options.random ?? Math.random);
    const down = options.downRevision ?? null;
    for (const id of [revision, ...(down !== null ? [down] : [])]) {
      if (!REVISION_ID.test(id)) throw new Error(`invalid Alembic revision id "${id}" (letters, digits and _ only)`);
    }
    const count = plan.steps.length;
    const source = [
      `"""dbdoctor: fix ${count} index finding${count === 1 ? '' : 's'}`,
      '',
      `Revision ID: ${revision}`,
      `Revises: ${down ?? ''}`,
      `Create Date: ${createDate(plan.createdAt)}`,
      '',
      '"""',
      `# ${oneLine(`Generated by ${plan.generator} for ${plan.target.name}.`)}`,
      '# `dbdoctor apply --from` runs the same plan (dbdoctor-plan.json) with retries and a journal.',
      'from typing import Sequence, Union',
      '',
      'from alembic import __version__ as alembic_version',
      'from alembic import op',
      'import sqlalchemy as sa',
      '',
      '# if_exists / if_not_exists make a rerun skip what is done; Alembic has them from 1.12 (with SQLAlchemy 2.0).',
      "_GUARDED = tuple(int(part) for part in alembic_version.split('.')[:2]) >= (1, 12) and int(sa.__version__.split('.')[0]) >= 2",
      "IF_EXISTS = {'if_exists': True} if _GUARDED else {}",
      "IF_NOT_EXISTS = {'if_not_exists': True} if _GUARDED else {}",
      '',
      '',
      '# revision identifiers, used by Alembic.',
      `revision: str = ${pyString(revision)}`,
      `down_revision: Union[str, None] = ${down === null ? 'None' : pyString(down)}`,
      'branch_labels: Union[str, Sequence[str], None] = None',
      'depends_on: Union[str, Sequence[str], None] = None',
      '',
      '',
      'def upgrade() -> None:',
      ...renderBody(plan, 'up'),
      '',
      '',
      'def downgrade() -> None:',
      ...renderBody(plan, 'down'),
      '',
    ];
    return Promise.resolve([{ path: `${revision}_dbdoctor_fix_indexes.py`, content: source.join('\n') }]);
  },
};
