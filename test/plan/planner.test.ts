/**
 * The fix planner on hand-made schemas: one step per object listing every finding it resolves,
 * creates before drops, and the whole-plan checks — a drop never loses the index that covers it,
 * no foreign key loses its last index, a replacement is built before its composite goes, and what
 * is refused is listed with the reason.
 */
import { describe, expect, test } from 'vitest';
import { postgresEmitter } from '../../src/dialects/postgres/ddl.js';
import { newIndexSpec, plainKey, type FixAction } from '../../src/model/actions.js';
import type { Index, SchemaModel } from '../../src/model/types.js';
import { planFix, whyNotFixable } from '../../src/plan/planner.js';
import { selectFindings } from '../../src/plan/types.js';
import type { Finding, RuleId } from '../../src/rules/types.js';
import { columnKey, fakeForeignKey, fakeIndex, fakeModel } from '../helpers/model.js';

const target = { name: 'test', database: null, serverVersion: '15', dialect: 'postgres' as const };
const plan = (findings: readonly Finding[], model: SchemaModel) => planFix(findings, model, { target, emitter: postgresEmitter });

function index(name: string, columns: readonly string[], extra: Partial<Index> = {}): Index {
  return fakeIndex({
    name,
    keys: columns.map((c) => columnKey(c)),
    definition: `CREATE INDEX ${name} ON public.${extra.table ?? 't'} USING btree (${columns.join(', ')})`,
    ...extra,
  });
}

const drop = (i: Index): FixAction =>
  i.constraint ? { kind: 'drop-constraint', index: i } : { kind: 'drop-index', index: i, attached: [] };

function finding(rule: RuleId, i: Index, extra: Partial<Finding> = {}): Finding {
  return {
    rule,
    severity: rule === 'duplicate-index' ? 'critical' : 'medium',
    schema: i.schema,
    table: i.table,
    index: i.name,
    message: `${rule} on ${i.name}`,
    help: 'drop it',
    evidence: {},
    actions: [drop(i)],
    ...extra,
  };
}

function createFinding(rule: RuleId, table: string, name: string, columns: readonly string[], extra: Partial<Finding> = {}): Finding {
  const spec = newIndexSpec(
    { schema: 'public', name: table },
    name,
    columns.map((c) => plainKey(c)),
  );
  return {
    rule,
    severity: 'medium',
    schema: 'public',
    table,
    columns,
    message: `${rule} on ${table}`,
    help: 'create it',
    evidence: {},
    actions: [{ kind: 'create-index', index: spec, onPartitionedTable: false, partitions: [] }],
    ...extra,
  };
}

describe('one step per object', () => {
  test('an index two findings want dropped is dropped by one step that lists both', () => {
    const a = index('a', ['x']);
    const b = index('b', ['x']);
    const p = plan([finding('duplicate-index', a, { coveredBy: 'b' }), finding('unused-index', a)], fakeModel({ indexes: [a, b] }));
    expect(p.steps.map((s) => s.id)).toEqual(['drop:public.a']);
    expect(p.steps[0]!.findings.map((f) => f.rule)).toEqual(['duplicate-index', 'unused-index']);
    expect(p.steps[0]!.up.map((s) => s.sql)).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS public.a']);
    expect(p.steps[0]!.down.map((s) => s.sql)).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON public.t USING btree (x)']);
  });

  test('the same new index proposed by two rules under two names is one step listing both findings', () => {
    const fk = fakeForeignKey('c_p_fk', 'c', ['p']);
    const p = plan(
      [
        createFinding('missing-index', 'c', 'c_p_idx', ['p']),
        createFinding('unindexed-foreign-key', 'c', 'c_p_idx1', ['p'], { constraint: 'c_p_fk' }),
      ],
      fakeModel({ foreignKeys: [fk] }),
    );
    expect(p.steps.map((s) => s.summary)).toEqual(['create index public.c_p_idx on public.c (p)']);
    expect(p.steps[0]!.findings.map((f) => f.rule)).toEqual(['missing-index', 'unindexed-foreign-key']);
  });

  test('creates come first, then drops; a foreign key a wider new index serves gets no index of its own', () => {
    const fk = fakeForeignKey('c_p_fk', 'c', ['p']);
    const a = index('a', ['x']);
    const b = index('b', ['x']);
    const p = plan(
      [
        finding('duplicate-index', a, { coveredBy: 'b' }),
        createFinding('unindexed-foreign-key', 'c', 'c_p_idx', ['p'], { constraint: 'c_p_fk' }),
        createFinding('missing-index', 'c', 'c_p_q_idx', ['p', 'q']),
      ],
      fakeModel({ indexes: [a, b], foreignKeys: [fk] }),
    );
    expect(p.steps.map((s) => s.id)).toEqual(['create:public.c_p_q_idx', 'drop:public.a']);
    expect(p.refused).toEqual([
      {
        summary: 'create index public.c_p_idx on public.c (p)',
        findings: [expect.objectContaining({ rule: 'unindexed-foreign-key' })],
        reason: 'the index public.c_p_q_idx serves this foreign key too',
      },
    ]);
  });

  test('two different new indexes with one name: the second is refused', () => {
    const p = plan(
      [createFinding('missing-index', 'c', 'c_idx', ['p']), createFinding('missing-index', 'c', 'c_idx', ['q'])],
      fakeModel({}),
    );
    expect(p.steps).toHaveLength(1);
    expect(p.refused[0]!.reason).toMatch(/another new index of this plan is named public.c_idx/);
  });
});

describe('checked as a whole', () => {
  test('an index redundant to one that another rule drops: the cover stays, the drop of the cover is refused', () => {
    // The case seen on a Rails schema: X redundant to Y, Y unused on a log table; dropping both loses the foreign key's index.
    const fk = fakeForeignKey('logs_user_fk', 'logs', ['user_id']);
    const x = index('x', ['user_id'], { table: 'logs' });
    const y = index('y', ['user_id', 'created_at'], { table: 'logs' });
    const p = plan(
      [finding('redundant-index', x, { coveredBy: 'y' }), finding('over-indexed-table', y)],
      fakeModel({ indexes: [x, y], foreignKeys: [fk] }),
    );
    expect(p.steps.map((s) => s.id)).toEqual(['drop:public.x']);
    expect(p.refused).toHaveLength(1);
    expect(p.refused[0]!.summary).toBe('drop index public.y');
    // Covers are checked before foreign keys: the first reason found is the one given.
    expect(p.refused[0]!.reason).toBe('public.y is not dropped: x is dropped in this plan because y covers it');
  });

  test('two duplicates that name each other as the cover: one goes, the other stays', () => {
    const a = index('a', ['x']);
    const b = index('b', ['x']);
    const p = plan(
      [finding('duplicate-index', a, { coveredBy: 'b' }), finding('duplicate-index', b, { coveredBy: 'a' })],
      fakeModel({ indexes: [a, b] }),
    );
    expect(p.steps.map((s) => s.id)).toEqual(['drop:public.a']);
    expect(p.refused[0]!.reason).toMatch(/the index that covers it, public.a, is dropped too/);
  });

  test('the last index of a foreign key is never dropped, whatever rule asks', () => {
    const fk = fakeForeignKey('t_x_fk', 't', ['x']);
    const only = index('only_x', ['x']);
    const p = plan([finding('unused-index', only)], fakeModel({ indexes: [only], foreignKeys: [fk] }));
    expect(p.steps).toEqual([]);
    expect(p.refused[0]!.reason).toBe('public.only_x is not dropped: foreign key t_x_fk would be left without an index');
  });

  test('a foreign key with two indexes keeps one of them', () => {
    const fk = fakeForeignKey('t_x_fk', 't', ['x']);
    const one = index('one', ['x']);
    const two = index('two', ['x', 'y']);
    const p = plan([finding('unused-index', one), finding('unused-index', two)], fakeModel({ indexes: [one, two], foreignKeys: [fk] }));
    expect(p.steps.map((s) => s.id)).toEqual(['drop:public.one']);
    expect(p.refused.map((r) => r.summary)).toEqual(['drop index public.two']);
  });

  test('a replacement is built before its composite goes; when the composite must stay, the replacement is not built', () => {
    const fk = fakeForeignKey('t_x_fk', 't', ['x']);
    const composite = index('t_x_y_idx', ['x', 'y']);
    const prefix = newIndexSpec({ schema: 'public', name: 't' }, 't_x_idx', [plainKey('x')]);
    const replace: Finding = {
      ...finding('unjustified-composite-index', composite),
      actions: [{ kind: 'create-index', index: prefix, onPartitionedTable: false, partitions: [] }, drop(composite)],
    };
    const ok = plan([replace], fakeModel({ indexes: [composite], foreignKeys: [fk] }));
    expect(ok.steps.map((s) => s.id)).toEqual(['create:public.t_x_idx', 'drop:public.t_x_y_idx']);
    // The same composite is also the index a primary-key promotion needs: the drop is refused, so the replacement goes too.
    const unique = { ...composite, unique: true };
    const promote: Finding = { ...finding('table-without-primary-key', unique), actions: [{ kind: 'add-primary-key', index: unique }] };
    const kept = plan(
      [promote, { ...replace, actions: [replace.actions![0]!, drop(unique)] }],
      fakeModel({ indexes: [unique], foreignKeys: [fk] }),
    );
    expect(kept.steps.map((s) => s.id)).toEqual(['primary-key:public.t']);
    expect(kept.refused.map((r) => r.summary).sort()).toEqual([
      'create index public.t_x_idx on public.t (x)',
      'drop index public.t_x_y_idx',
    ]);
  });

  test('unsafe drops are refused with the reason', () => {
    const referenced = index('r', ['x'], { unique: true, referencedByForeignKeys: [{ schema: 'public', name: 'child_fk' }] });
    const replica = index('ri', ['x'], { unique: true, replicaIdentity: true });
    const partitionedConstraint = index('pk2', ['x'], {
      table: 'p',
      unique: true,
      partitioned: true,
      constraint: { name: 'pk2', type: 'unique', immediate: true, definition: 'UNIQUE (x)' },
    });
    const model = fakeModel({ indexes: [referenced, replica, partitionedConstraint] });
    expect(whyNotFixable(referenced, model)).toMatch(/foreign key child_fk references the table through it/);
    expect(whyNotFixable(replica, model)).toMatch(/REPLICA IDENTITY/);
    expect(whyNotFixable(partitionedConstraint, model)).toMatch(/partitioned table/);
    const p = plan(
      [finding('unused-index', referenced), finding('unused-index', replica), finding('unused-index', partitionedConstraint)],
      model,
    );
    expect(p.steps).toEqual([]);
    expect(p.refused).toHaveLength(3);
  });
});

describe('steps', () => {
  test('a constraint-backed index is dropped through its constraint, and comes back attached to it', () => {
    const backed = index('u2', ['x'], {
      unique: true,
      definition: 'CREATE UNIQUE INDEX u2 ON public.t USING btree (x)',
      constraint: { name: 'u2', type: 'unique', immediate: true, definition: 'UNIQUE (x)' },
    });
    const p = plan([finding('redundant-index', backed)], fakeModel({ indexes: [backed] }));
    expect(p.steps[0]!.action.kind).toBe('drop-constraint');
    expect(p.steps[0]!.up.map((s) => s.sql)).toEqual(['ALTER TABLE public.t DROP CONSTRAINT IF EXISTS u2']);
    expect(p.steps[0]!.down.map((s) => s.sql)).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u2 ON public.t USING btree (x)',
      'ALTER TABLE public.t ADD CONSTRAINT u2 UNIQUE USING INDEX u2',
    ]);
  });

  test('an INVALID index is dropped, and its step says why it is not rebuilt', () => {
    const failed = index('ux', ['x'], { unique: true, valid: false });
    const p = plan([finding('invalid-index', failed)], fakeModel({ indexes: [failed] }));
    expect(p.steps[0]!.down).toEqual([]);
    expect(p.steps[0]!.irreversible).toMatch(/INVALID/);
  });

  test('findings without actions are listed as advice', () => {
    const a = index('a', ['x']);
    const { actions: _actions, ...advice } = finding('unused-index', a);
    const p = plan([advice], fakeModel({ indexes: [a] }));
    expect(p.steps).toEqual([]);
    expect(p.skipped[0]!.reason).toMatch(/no automatic fix/);
  });
});

describe('selectFindings', () => {
  const a = index('a', ['x']);
  const findings = [
    finding('duplicate-index', a),
    createFinding('unindexed-foreign-key', 'c', 'c_p_idx', ['p'], { severity: 'low' }),
    finding('duplicate-index', index('j', ['x'], { schema: 'dbdoctor', table: 'dbdoctor_journal' })),
  ];
  test('filters by rule, severity and table (bare or schema-qualified); never the journal schema', () => {
    expect(selectFindings(findings)).toHaveLength(2);
    expect(selectFindings(findings, { rules: ['unindexed-foreign-key'] }).map((f) => f.rule)).toEqual(['unindexed-foreign-key']);
    expect(selectFindings(findings, { minSeverity: 'medium' }).map((f) => f.rule)).toEqual(['duplicate-index']);
    expect(selectFindings(findings, { tables: ['c'] }).map((f) => f.table)).toEqual(['c']);
    expect(selectFindings(findings, { tables: ['public.t'] }).map((f) => f.table)).toEqual(['t']);
  });
});
