import type { AuditResult } from '../audit/types.js';
import type { Finding, Fix } from '../rules/types.js';
import type { Reporter } from './types.js';

/** A fix with its fields in contract order. */
function fixJson(fix: Fix): Fix {
  const { up, down, transactional, notes, ...rest } = fix;
  return { up, down, transactional, notes, ...rest };
}

/**
 * A finding with its fields in contract order. Fields a newer rule adds are kept after the
 * known ones: the contract is "add, never rename", so consumers may already rely on them.
 */
function findingJson(finding: Finding): Finding {
  const { rule, severity, schema, table, index, constraint, columns, coveredBy, message, help, evidence, fix, ...rest } = finding;
  return {
    rule,
    severity,
    schema,
    table,
    index,
    constraint,
    columns,
    coveredBy,
    message,
    help,
    evidence,
    fix: fix === undefined ? undefined : fixJson(fix),
    ...rest,
  };
}

/**
 * The machine-readable report: exactly `{ version, target, summary, findings }`, never the
 * model (it is large, and its shape is internal). Undefined fields are left out.
 */
export const jsonReporter: Reporter = {
  name: 'json',
  fileExtension: 'json',
  render(result: AuditResult): string {
    const report = {
      version: result.version,
      target: result.target,
      summary: result.summary,
      findings: result.findings.map(findingJson),
      tables: result.tables,
      suppressed: (result.suppressed ?? []).map((s) => ({ finding: findingJson(s.finding), reason: s.reason })),
    };
    // JSON.stringify drops undefined properties, which is what "omit undefined fields" means.
    return `${JSON.stringify(report, null, 2)}\n`;
  },
};
