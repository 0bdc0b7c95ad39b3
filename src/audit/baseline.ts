/**
 * A baseline: an earlier JSON report whose findings are known and accepted. `--baseline FILE`
 * reports, counts and fails on only what is new since then, matched by fingerprint (a finding's
 * rule and the identity of its object, never its message), as ESLint and squawk baselines do.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { findingCounts } from './summary.js';
import type { AuditResult } from './types.js';

/** The fingerprints of an earlier report. */
export interface Baseline {
  readonly file: string;
  readonly fingerprints: ReadonlySet<string>;
}

const reportSchema = z.looseObject({
  version: z.literal(1),
  findings: z.array(z.looseObject({ rule: z.string(), fingerprint: z.string().optional() })),
});

/** Reads a JSON report written by `dbdoctor audit --format json`; one clear line when it is not one. */
export async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`the baseline ${file} is not JSON: give a report written by dbdoctor audit --format json`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`the baseline ${file} is not a dbdoctor JSON report (dbdoctor audit --format json)`);
  const findings = parsed.data.findings;
  if (findings.some((f) => f.fingerprint === undefined)) {
    throw new UserError(
      `the baseline ${file} has findings without fingerprints (an older dbdoctor wrote it): write it again with this version`,
    );
  }
  return { file, fingerprints: new Set(findings.map((f) => f.fingerprint!)) };
}

/** The result with only the findings the baseline does not know, counted anew; the summary says how many were known. */
export function applyBaseline(result: AuditResult, baseline: Baseline): AuditResult {
  const fresh = result.findings.filter((f) => f.fingerprint === undefined || !baseline.fingerprints.has(f.fingerprint));
  return {
    ...result,
    findings: fresh,
    summary: {
      ...result.summary,
      ...findingCounts(fresh, result.model),
      baseline: { file: baseline.file, known: result.findings.length - fresh.length },
    },
  };
}
