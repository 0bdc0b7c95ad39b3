/**
 * SARIF 2.1.0 (`--format sarif`), for code scanning in CI: one run, the rules with their help and
 * a link to their docs page, one result per finding with its level, message, location (the file
 * and line for a schema file, migration or ORM model; the logical `schema.table.index` for a live
 * database) and `partialFingerprints` (the finding's stable fingerprint), so that code scanning
 * tracks a problem across runs.
 */
import type { AuditResult } from '../audit/types.js';
import { allRules } from '../rules/index.js';
import type { Finding, Severity } from '../rules/types.js';
import { VERSION } from '../util/version.js';
import type { Reporter } from './types.js';
import { ruleDocsUrl } from './links.js';

const LEVEL: { readonly [S in Severity]: 'error' | 'warning' | 'note' } = { critical: 'error', medium: 'warning', low: 'note' };

/** `duplicate-index` → `DuplicateIndex`, SARIF's convention for a rule's friendly name. */
function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

function ruleDescriptor(id: string, description: string, page: string, severity: Severity): Record<string, unknown> {
  const url = ruleDocsUrl(page);
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: description },
    fullDescription: { text: description },
    help: { text: `${description} See ${url}`, markdown: `${description} [Documentation](${url})` },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[severity] },
    properties: { tags: ['database', 'performance', 'index'] },
  };
}

/** The object a finding is about, as a dotted name: `schema.table.index`, `schema.table.constraint` or `schema.table`. */
function objectName(f: Finding): string {
  const object = f.index ?? f.constraint ?? f.subject;
  return [f.schema, f.table, ...(object !== undefined ? [object] : [])].filter((p) => p !== '').join('.');
}

function locationOf(f: Finding): Record<string, unknown> {
  const logical = { logicalLocations: [{ fullyQualifiedName: objectName(f), kind: 'resource' }] };
  if (f.location === undefined) return logical;
  return {
    physicalLocation: {
      artifactLocation: { uri: f.location.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' },
      region: { startLine: f.location.line, startColumn: f.location.column },
    },
    ...logical,
  };
}

/** The SARIF log of an audit. */
function sarifLog(result: AuditResult): Record<string, unknown> {
  const rules = allRules.map((r) => ruleDescriptor(r.id, r.docs.description, r.docs.page, r.severity));
  const index = new Map(allRules.map((r, i) => [r.id, i]));
  const results = result.findings.map((f) => ({
    ruleId: f.rule,
    ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.message} ${f.help}` },
    locations: [locationOf(f)],
    ...(f.fingerprint !== undefined ? { partialFingerprints: { 'dbdoctorFinding/v1': f.fingerprint } } : {}),
    properties: {
      severity: f.severity,
      ...(f.fix ? { fix: { up: [...f.fix.up], down: [...f.fix.down] } } : {}),
    },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dbdoctor',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: ruleDocsUrl('README.md'),
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The working directory dbdoctor ran in.' } } },
        automationDetails: { id: `dbdoctor/${result.target.name.replace(/[^\w.@-]+/g, '_')}/` },
        results,
      },
    ],
  };
}

/** `--format sarif`. */
export const sarifReporter: Reporter = {
  name: 'sarif',
  fileExtension: 'sarif',
  render(result: AuditResult): string {
    return `${JSON.stringify(sarifLog(result), null, 2)}\n`;
  },
};
