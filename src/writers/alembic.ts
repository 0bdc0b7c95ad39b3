/**
 * An Alembic revision, laid out as `alembic revision` writes one. Everything runs inside
 * `op.get_context().autocommit_block()` (CONCURRENTLY cannot run in a transaction); indexes are
 * dropped and created with `op.drop_index` / `op.create_index` and their `postgresql_*` options,
 * expressions and predicates through `sa.text`; whatever Alembic has no operation for
 * (constraints attached to an index, `ON ONLY`, `ATTACH PARTITION`, comments) through `op.execute`.
 * Needs Alembic 1.12+ with SQLAlchemy 2.0+ for `if_exists` / `if_not_exists`.
 */
import type { Index, IndexKey } from '../model/types.js';
import { createIndexStatement } from '../dialects/postgres/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { parseStatement, type ParsedStatement } from '../plan/sql-parse.js';
import type { MigrationPlan, MigrationStep } from '../plan/steps.js';
import { describeStep, oneLine, RESET_SETTINGS, sessionSettings } from './common.js';
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
export function createIndexOp(index: Index, concurrently: boolean): string {
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
  args.push('if_not_exists=True');
  return `op.create_index(${args.join(', ')})`;
}

/** The Alembic operation for one statement of a step. */
function renderStatement(
  sql: string,
  parsed: ParsedStatement,
  known: readonly Index[],
  tableOf: (schema: string | null, name: string) => string | null,
): string {
  if (parsed.kind === 'create-index') {
    const index = known.find((i) => !i.partitioned && i.name === parsed.name && i.schema === (parsed.schema ?? i.schema));
    if (index && createIndexStatement(index) === sql) return createIndexOp(index, parsed.concurrently);
    if (parsed.plainColumns !== null && parsed.name !== null && !parsed.only && parsed.ifNotExists) {
      const args = [pyString(parsed.name), pyString(parsed.table), `[${parsed.plainColumns.map(pyString).join(', ')}]`];
      if (parsed.schema !== null) args.push(`schema=${pyString(parsed.schema)}`);
      if (parsed.unique) args.push('unique=True');
      if (parsed.method !== 'btree') args.push(`postgresql_using=${pyString(parsed.method)}`);
      if (parsed.concurrently) args.push('postgresql_concurrently=True');
      args.push('if_not_exists=True');
      return `op.create_index(${args.join(', ')})`;
    }
  }
  if (parsed.kind === 'drop-index' && parsed.ifExists) {
    const args = [pyString(parsed.index.name)];
    const table = tableOf(parsed.index.schema, parsed.index.name);
    if (table !== null) args.push(`table_name=${pyString(table)}`);
    if (parsed.index.schema !== null) args.push(`schema=${pyString(parsed.index.schema)}`);
    if (parsed.concurrently) args.push('postgresql_concurrently=True');
    args.push('if_exists=True');
    return `op.drop_index(${args.join(', ')})`;
  }
  return `op.execute(${saText(sql)})`;
}

function indexesOf(step: MigrationStep): Index[] {
  switch (step.action.kind) {
    case 'drop-index':
      return [step.action.index, ...step.action.attached];
    case 'drop-constraint':
      return [step.action.index];
    default:
      return [];
  }
}

async function renderBody(plan: MigrationPlan, direction: 'up' | 'down'): Promise<string[]> {
  const indent = '        ';
  const lines = [
    '    # CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction: each statement commits by itself.',
    '    with op.get_context().autocommit_block():',
    ...sessionSettings(plan).map((s) => `${indent}op.execute(${saText(s)})`),
  ];
  const total = plan.steps.length;
  const order = direction === 'up' ? plan.steps.map((_, i) => i) : plan.steps.map((_, i) => total - 1 - i);
  for (const i of order) {
    const step = plan.steps[i]!;
    const description = describeStep(step, i + 1, total);
    if (direction === 'down') description[0] = oneLine(`Undo step ${i + 1}/${total}: ${step.summary}`);
    lines.push('', ...description.map((l) => `${indent}# ${l}`));
    const statements = direction === 'up' ? step.up : step.down;
    if (statements.length === 0) {
      lines.push(`${indent}# This step cannot be undone (see the note above).`);
      continue;
    }
    const known = indexesOf(step);
    const tableOf = (schema: string | null, name: string): string | null =>
      known.find((k) => k.name === name && (schema === null || k.schema === schema))?.table ??
      (step.action.kind === 'create-index'
        ? (step.action.specs.find((s) => s.name === name && (schema === null || s.schema === schema))?.table ?? null)
        : null);
    for (const sql of statements) lines.push(`${indent}${renderStatement(sql, await parseStatement(sql), known, tableOf)}`);
  }
  lines.push('', ...RESET_SETTINGS.map((s) => `${indent}op.execute(${saText(s)})`));
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
  async render(plan: MigrationPlan, options: WriteOptions = {}): Promise<MigrationFile[]> {
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
      '# Needs Alembic 1.12+ with SQLAlchemy 2.0+ (if_exists / if_not_exists on indexes).',
      '# `dbdoctor apply --from` runs the same plan (dbdoctor-plan.json) with retries and a journal.',
      'from typing import Sequence, Union',
      '',
      'from alembic import op',
      'import sqlalchemy as sa',
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
      ...(await renderBody(plan, 'up')),
      '',
      '',
      'def downgrade() -> None:',
      ...(await renderBody(plan, 'down')),
      '',
    ];
    return [{ path: `${revision}_dbdoctor_fix_indexes.py`, content: source.join('\n') }];
  },
};
