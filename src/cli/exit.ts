import type { Finding, Severity } from '../rules/types.js';
import { severityRank } from '../rules/types.js';

/** Exit codes, as knip and ESLint use them. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** The `--fail-on` threshold. */
export type FailOn = Severity | 'none';

/** 1 when a finding is at or above the threshold, else 0. */
export function exitCodeFor(findings: readonly Finding<string>[], failOn: FailOn): number {
  if (failOn === 'none') return EXIT_CLEAN;
  const bar = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) >= bar) ? EXIT_FINDINGS : EXIT_CLEAN;
}
