import type { Finding, Severity } from '../rules/types.js';
import { DRIVER_SPECS } from './drivers.js';
import { fmt, plural } from './math.js';
import { sourceText } from './read-settings.js';
import { describeScale } from './sizing.js';
import type { PoolDriver, PoolReport, RecommendedSetting } from './types.js';

/** Driver names as their users know them. */
export const DRIVER_LABEL: { readonly [D in PoolDriver]: string } = Object.fromEntries(
  Object.entries(DRIVER_SPECS).map(([driver, spec]) => [driver, spec.label]),
) as { readonly [D in PoolDriver]: string };

/** Where the settings came from, in a few words. */
export function describeSource(report: PoolReport): string {
  const s = report.inputs.settings;
  if (!s) return `no pool settings given; recommendations for ${DRIVER_LABEL[report.inputs.driver]}`;
  const where = s.source.file ? ` in ${s.source.file}${s.source.line ? `:${s.source.line}` : ''}` : '';
  const what = s.source.what ?? (s.source.kind === 'flags' ? '--set' : 'config');
  return `${DRIVER_LABEL[s.driver]} ${what}${where}`;
}

/** The settings as written: `pool_size=50, max_overflow=50, …`. */
export function describeSettings(report: PoolReport): string {
  const s = report.inputs.settings;
  if (!s) return 'not given (--from, --set or a config file)';
  const entries = Object.entries(s.values).map(([k, v]) => `${k}=${sourceText(v)}`);
  return entries.length > 0 ? entries.join(', ') : 'none set (driver defaults)';
}

export function describeDeployment(report: PoolReport): string {
  const d = report.inputs.deployment;
  const scale =
    d.instances.min === d.instances.max
      ? describeScale(d, 'max')
      : `${d.instances.min}–${d.instances.max} instances (autoscaled) × ${plural(d.processes, 'process', 'processes')}`;
  return `${scale}, ${plural(d.otherConnections, 'other connection')}`;
}

export function describeLoad(report: PoolReport): string {
  const load = report.inputs.load;
  if (!load) return 'not given';
  if (load.kind === 'concurrency')
    return `${load.expression}${load.expression === fmt(load.inFlight) ? '' : ` = ${fmt(load.inFlight)}`} queries in flight on average`;
  return `${fmt(load.requestsPerSecond)} req/s × ${fmt(load.queriesPerRequest)} queries × ${fmt(load.queryMs)} ms = ${fmt(load.inFlight)} in flight (Little's law)`;
}

/** One line on where the server facts come from. */
export function describeServerSource(report: PoolReport): string {
  const s = report.server;
  const engine = s.dialect === 'postgresql' ? 'PostgreSQL' : 'MySQL';
  if (s.source === 'server') return `${engine}${s.version ? ` ${s.version}` : ''} at ${s.name ?? 'the target'}`;
  if (s.source === 'flags') return `${engine}, limits from flags`;
  return `${engine} defaults, assumed (no target; give one, or --max-connections)`;
}

export function describeLimits(report: PoolReport): string {
  const s = report.server;
  const reserved =
    s.dialect === 'postgresql' ? `, superuser_reserved_connections ${s.superuserReserved}, reserved_connections ${s.reserved}` : '';
  const idle =
    s.idleSessionTimeoutS === null
      ? ''
      : `, ${s.dialect === 'postgresql' ? 'idle_session_timeout' : 'wait_timeout'} ${fmt(s.idleSessionTimeoutS)} s`;
  return `max_connections ${s.maxConnections}${reserved}${idle}; identifiers up to ${s.identifierLimit} bytes`;
}

export function describePooler(report: PoolReport): string | null {
  const p = report.server.pooler;
  if (!p) return null;
  if (p.evidence.length === 0) return 'none seen';
  return `${p.detected ? (p.kind ?? 'yes') : (p.kind ?? 'unclear')}: ${p.evidence.join('; ')}`;
}

export function describeCores(report: PoolReport): string | null {
  const c = report.server.cores;
  return c ? `${c.count} (${c.source})` : null;
}

/** A recommended value written in the driver's language. */
export function settingValue(driver: PoolDriver, s: RecommendedSetting): string {
  if (s.value === null) return '(remove)';
  if (typeof s.value === 'boolean') return DRIVER_SPECS[driver].language === 'python' ? (s.value ? 'True' : 'False') : String(s.value);
  return String(s.value);
}

/** `(was 50)`, `(unset)`, `(same)`. */
export function changeNote(driver: PoolDriver, s: RecommendedSetting): string {
  if (s.current === null) return 'unset now';
  const same = s.current === settingValue(driver, s) || (typeof s.value === 'number' && Number(s.current.replace(/_/g, '')) === s.value);
  return same ? 'unchanged' : `now ${s.current}`;
}

export function severityOrder(findings: readonly Finding<string>[]): Array<{ severity: Severity; findings: Finding<string>[] }> {
  const groups: Array<{ severity: Severity; findings: Finding<string>[] }> = [];
  for (const severity of ['critical', 'medium', 'low'] as const) {
    const these = findings.filter((f) => f.severity === severity);
    if (these.length > 0) groups.push({ severity, findings: these });
  }
  return groups;
}

/** The closing line: the findings by severity, or the fit; an unread pool size is "unknown", never "fits". */
export function summaryOf(report: PoolReport): string {
  const { findings } = report;
  const fit = report.recommendation.fit;
  if (findings.length === 0) {
    if (fit.status === 'fits') return 'No findings: the pool fits the load and the server.';
    if (fit.status === 'unknown') return `No findings, but the fit is unknown: ${fit.why}`;
    return `No findings (${fit.why}).`;
  }
  const parts = severityOrder(findings).map((g) => `${g.findings.length} ${g.severity}`);
  const unknown = fit.status === 'unknown' ? `. Fit unknown: ${fit.why}` : '';
  return `${plural(findings.length, 'finding')}: ${parts.join(', ')}${unknown}`;
}
