import { availableParallelism } from 'node:os';
import { UserError } from '../util/errors.js';
import { effectivePool } from './effective.js';
import { poolFindings } from './findings.js';
import { dialectOf, numberFlag, offlineServer, resolveInputs, type PoolOptions } from './inputs.js';
import { recommend } from './recommend.js';
import { readMysqlServer } from './server-mysql.js';
import { readPostgresServer } from './server-postgres.js';
import type { PoolInputs, PoolReport, ServerFacts } from './types.js';

/** Builds the report from inputs already resolved and server facts already read. */
export function buildPoolReport(inputs: PoolInputs, server: ServerFacts): PoolReport {
  const current = inputs.settings ? effectivePool(inputs.settings) : null;
  const { recommendation, problems } = recommend(inputs, server, current);
  const findings = poolFindings(inputs, server, current, recommendation, problems);
  return { version: 1, kind: 'pool', inputs, server, recommendation, findings };
}

async function readServer(target: string, cores: ServerFacts['cores']): Promise<ServerFacts> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return readPostgresServer(target, cores, availableParallelism());
  if (scheme === 'mysql' || scheme === 'mariadb') return readMysqlServer(target, cores, availableParallelism());
  throw new UserError(`unsupported target "${target.replace(/:\/\/.*$/, '://…')}" (expected a postgres:// or mysql:// URL)`);
}

/**
 * `dbdoctor pool` as a library call: resolves flags and config, reads the pool's settings
 * (`from`), reads the server when a target is given, and returns the report.
 */
export async function analyzePool(target: string | undefined, flags: PoolOptions): Promise<PoolReport> {
  const { inputs, options } = await resolveInputs(flags);
  // A value typed with --set that the driver cannot read as its setting is a typo, not an unknown.
  if (inputs.settings && flags.set && flags.set.length > 0) {
    const typed = new Set(flags.set.map((s) => s.slice(0, s.indexOf('=')).trim()));
    const bad = effectivePool(inputs.settings).unreadable.find((u) => typed.has(u.slice(0, u.indexOf('='))));
    if (bad !== undefined)
      throw new UserError(`--set ${bad}: not a value ${inputs.settings.driver} takes for this setting (a number or true/false)`);
  }
  const cores =
    options.cores === undefined
      ? null
      : { count: numberFlag('--cores', options.cores, { integer: true, positive: true }), source: 'flag' as const };
  const server = target ? await readServer(target, cores) : offlineServer(options, dialectOf(options, target, inputs.settings), cores);
  return buildPoolReport(inputs, server);
}
