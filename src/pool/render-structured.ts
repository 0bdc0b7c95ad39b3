import type { Finding } from '../rules/types.js';
import {
  changeNote,
  describeCores,
  describeDeployment,
  describeLimits,
  describeLoad,
  describePooler,
  describeServerSource,
  describeSettings,
  describeSource,
  DRIVER_LABEL,
  settingValue,
  severityOrder,
  summaryOf,
} from './render-common.js';
import type { PoolReport } from './types.js';

/** A finding with its fields in the contract's order (the audit report's order). */
function findingJson(f: Finding<string>): Finding<string> {
  const { rule, severity, schema, table, message, help, evidence, ...rest } = f;
  return { rule, severity, schema, table, message, help, evidence, ...rest };
}

/** `{ version, kind, inputs, server, recommendation, findings }`, findings in the Finding<string> shape. */
export function renderPoolJson(report: PoolReport): string {
  const { version, kind, inputs, server, recommendation, findings } = report;
  return `${JSON.stringify({ version, kind, inputs, server, recommendation, findings: findings.map(findingJson) }, null, 2)}\n`;
}

const MARK = { critical: '🔴', medium: '🟡', low: '🟢' } as const;

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** The Markdown rendering: for a pull request, a wiki or the docs. */
export function renderPoolMarkdown(report: PoolReport): string {
  const rec = report.recommendation;
  const out: string[] = ['# Connection pool', '', `**Pool**: ${describeSource(report)}`, ''];
  out.push('## Inputs', '', '| | |', '| --- | --- |');
  out.push(
    `| pool | ${cell(describeSettings(report))} |`,
    `| deployment | ${cell(describeDeployment(report))} |`,
    `| load | ${cell(describeLoad(report))} |`,
    '',
  );
  out.push('## Server', '', `${describeServerSource(report)}: ${describeLimits(report)}.`, '');
  const pooler = describePooler(report);
  const cores = describeCores(report);
  if (pooler) out.push(`Pooler: ${pooler}.`, '');
  if (cores) out.push(`Cores: ${cores}.`, '');
  const connections = report.server.connections;
  if (connections && connections.length > 0) {
    out.push(
      '| application | state | connections |',
      '| --- | --- | ---: |',
      ...connections.map((c) => `| ${cell(c.application)} | ${cell(c.state)} | ${c.count} |`),
      '',
    );
  }
  out.push('## Arithmetic', '', ...rec.arithmetic.map((line) => `- ${line}`), '');
  out.push(`## Recommended (${DRIVER_LABEL[rec.driver]})`, '', '| setting | value | why | change |', '| --- | --- | --- | --- |');
  for (const s of rec.settings)
    out.push(`| \`${s.name}\` | \`${settingValue(rec.driver, s)}\` | ${cell(s.why)} | ${cell(changeNote(rec.driver, s))} |`);
  out.push('', `\`\`\`${rec.driver === 'sqlalchemy' ? 'python' : 'js'}`, rec.snippet.trimEnd(), '```', '');
  if (rec.pooler) {
    out.push(`### ${rec.pooler.kind === 'pgbouncer' ? 'PgBouncer' : 'ProxySQL'} (${rec.pooler.poolMode} mode)`, '', '```ini');
    out.push(
      `pool_mode = ${rec.pooler.poolMode}`,
      `default_pool_size = ${rec.pooler.defaultPoolSize}`,
      `max_client_conn = ${rec.pooler.maxClientConn}`,
      '```',
      '',
    );
    out.push(...rec.pooler.why.map((w) => `- ${w}`), '');
  }
  out.push('## Findings', '', `**${summaryOf(report)}**`, '');
  for (const group of severityOrder(report.findings)) {
    for (const f of group.findings) {
      out.push(`### ${MARK[f.severity]} ${f.severity.toUpperCase()}: \`${f.rule}\``, '', f.message, '', `**Fix**: ${f.help}`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
