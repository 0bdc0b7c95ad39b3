import { runCommand, type CliRun } from '../helpers/cli.js';
import type { Finding } from '../../src/rules/types.js';
import type { PoolReport } from '../../src/pool/types.js';

/** What one in-process run printed. */
export type Run = CliRun;

/** Runs the CLI in-process, capturing its output. */
export const cli = (args: string[]): Promise<Run> => runCommand(args);

/** `dbdoctor pool --format json …`, parsed. */
export async function poolJson(args: string[]): Promise<{ run: Run; report: PoolReport }> {
  const run = await cli(['pool', '--format', 'json', ...args]);
  if (run.code === 2) throw new Error(run.stderr);
  return { run, report: JSON.parse(run.stdout) as PoolReport };
}

export const rules = (report: { findings: readonly Finding<string>[] }): string[] => report.findings.map((f) => `${f.rule}:${f.severity}`);
export const setting = (report: PoolReport, name: string) => report.recommendation.settings.find((s) => s.name === name);

/** The 99.9th percentile, from the definition: the smallest k with P(X ≤ k) ≥ 0.999. */
export function percentile999(pmf: (k: number) => number, max = 10_000): number {
  let cdf = 0;
  for (let k = 0; k <= max; k++) {
    cdf += pmf(k);
    if (cdf >= 0.999) return k;
  }
  return max;
}

/** ln(n!), summed: n! itself overflows a double past 170. */
function logFactorial(n: number): number {
  let f = 0;
  for (let i = 2; i <= n; i++) f += Math.log(i);
  return f;
}

/** P(X = k) for X ~ Poisson(mean): e^−λ λ^k / k!. */
export const poisson = (mean: number) => (k: number) => Math.exp(-mean + k * Math.log(mean) - logFactorial(k));

/** P(X = k) for X ~ Binomial(n, p): C(n, k) p^k (1 − p)^(n − k). */
export const binomial = (n: number, p: number) => (k: number) =>
  k > n ? 0 : Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
