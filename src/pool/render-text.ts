import type { Severity } from '../rules/types.js';
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

type Paint = (text: string) => string;

function sgr(open: number, close: number, on: boolean): Paint {
  return on ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

function rows(pairs: ReadonlyArray<readonly [string, string | null]>, indent = '  '): string[] {
  const shown = pairs.filter((p): p is readonly [string, string] => p[1] !== null);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

/** The terminal rendering of a pool report: inputs, server, arithmetic, settings, findings. */
export function renderPoolText(report: PoolReport, options: { readonly color: boolean }): string {
  const bold = sgr(1, 22, options.color);
  const dim = sgr(2, 22, options.color);
  const paint: { readonly [S in Severity]: Paint } = {
    critical: sgr(31, 39, options.color),
    medium: sgr(33, 39, options.color),
    low: sgr(32, 39, options.color),
  };
  const rec = report.recommendation;
  const out: string[] = [`${bold('dbdoctor pool')} · ${describeSource(report)}`, ''];
  out.push(
    bold('Inputs'),
    ...rows([
      ['pool', describeSettings(report)],
      ['deployment', describeDeployment(report)],
      ['load', describeLoad(report)],
    ]),
    '',
  );
  out.push(`${bold('Server')}  ${dim(describeServerSource(report))}`);
  const connections = report.server.connections;
  const connectionText =
    connections === null
      ? null
      : connections.length === 0
        ? 'none besides dbdoctor'
        : connections.map((c) => `${c.application} ${c.state} ${c.count}`).join(', ');
  out.push(
    ...rows([
      ['limits', describeLimits(report)],
      ['connections', connectionText],
      ['pooler', describePooler(report)],
      ['cores', describeCores(report)],
    ]),
    '',
  );
  out.push(bold('Arithmetic'), ...rec.arithmetic.map((line) => `  ${line}`), '');
  out.push(bold(`Recommended (${DRIVER_LABEL[rec.driver]})`));
  const width = Math.max(...rec.settings.map((s) => `${s.name}=${settingValue(rec.driver, s)}`.length));
  for (const s of rec.settings) {
    const setting = s.value === null ? `${s.name} (remove)` : `${s.name}=${settingValue(rec.driver, s)}`;
    out.push(`  ${bold(setting.padEnd(width))}  ${s.why} ${dim(`[${changeNote(rec.driver, s)}]`)}`);
  }
  if (rec.snippet.trim() === '') out.push('  nothing to change in the code', '');
  else
    out.push(
      '',
      ...rec.snippet
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
      '',
    );
  if (rec.pooler) {
    out.push(bold(`Pooler (${rec.pooler.kind === 'pgbouncer' ? 'PgBouncer' : 'ProxySQL'}, ${rec.pooler.poolMode} mode)`));
    out.push(
      `  pool_mode = ${rec.pooler.poolMode}`,
      `  default_pool_size = ${rec.pooler.defaultPoolSize}`,
      `  max_client_conn = ${rec.pooler.maxClientConn}`,
    );
    out.push(...rec.pooler.why.map((w) => `  ${dim(w)}`), '');
  }
  for (const group of severityOrder(report.findings)) {
    const p = paint[group.severity];
    out.push(`${p('●')} ${bold(p(group.severity))}`, '');
    for (const f of group.findings) {
      out.push(`  ${bold(f.rule)}`, `    ${f.message}`, `    ${dim('help:')}  ${f.help}`, '');
    }
  }
  out.push(bold(summaryOf(report)));
  return `${out.join('\n')}\n`;
}
