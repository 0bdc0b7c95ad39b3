/**
 * Index names computed in a class body, as real models write them (`Index(f"index_{__tablename__}_run_uuid", ...)`):
 * the static reader resolves the f-strings it can (class and module string constants), says which
 * it cannot, and both readers give the same findings under the same names.
 */
import { describe, expect, test } from 'vitest';
import { auditTarget } from '../../src/audit/run-target.js';
import type { AuditResult } from '../../src/audit/types.js';
import { openAuditTarget } from '../../src/sources/open-target.js';
import { pythonWithAlembic } from '../helpers/python.js';

const MODELS = 'test/fixtures/models/tablename_fstrings';

async function audit(python: string): Promise<AuditResult> {
  const target = await openAuditTarget(MODELS, { python });
  try {
    return await auditTarget(target);
  } finally {
    await target.close();
  }
}

function indexNames(result: AuditResult): string[] {
  return result.model.indexes.map((i) => `${i.table}.${i.name}`).sort();
}

describe('index names built with f-strings in the class body', () => {
  test('read statically, the names are those SQLAlchemy gives when it imports the models', async () => {
    const exact = await audit(await pythonWithAlembic());
    const statically = await audit('/nonexistent/python');
    const resolvable = indexNames(exact).filter((n) => !n.startsWith('metrics.'));
    expect(resolvable).toEqual(
      expect.arrayContaining([
        'params.index_params_run_uuid',
        'tags.index_tags_run_uuid',
        'trace_info.index_trace_info_experiment_id_timestamp_ms',
      ]),
    );
    expect(indexNames(statically).filter((n) => !n.startsWith('metrics.'))).toEqual(resolvable);
    const findings = (r: AuditResult): string[] => r.findings.map((f) => `${f.rule} ${f.table}.${f.index ?? ''}`).sort();
    expect(findings(statically)).toEqual(findings(exact));
    expect(findings(exact)).toContain('redundant-index params.index_params_run_uuid');
  });

  test('a name the static reader cannot compute is said, with its line; the import knows it', async () => {
    const exact = await audit(await pythonWithAlembic());
    const statically = await audit('/nonexistent/python');
    expect(exact.model.indexes.map((i) => i.name)).toContain('index_METRICS_run_uuid');
    expect(statically.model.limitations).toContain(
      `${MODELS}/models.py:70: the index name f"index_{__tablename__.upper()}_run_uuid" is computed: read without running the models, that index takes the name SQLAlchemy's convention gives an unnamed one, and a finding on it may lack its location`,
    );
  });

  test('an Index without columns makes the DDL fail: the limitation names the statement', async () => {
    for (const result of [await audit(await pythonWithAlembic()), await audit('/nonexistent/python')]) {
      expect(result.model.limitations).toContain(
        `a statement of the models' DDL failed and was skipped (CREATE INDEX index_trace_tags_request_id ON trace_tags ();): syntax error at or near ")"`,
      );
    }
  });
});
