import type { SchemaModel } from '../model/types.js';
import type { TargetInfo } from '../model/target.js';

export type { TargetInfo } from '../model/target.js';
import type { Finding, Severity } from '../rules/types.js';
import type { TableClassification } from '../rules/context/classify-types.js';
import type { Workload } from '../model/workload.js';
import type { PlanEvidence } from '../workload/plans/types.js';
import type { StatisticsTrust } from '../rules/context/trust.js';
import type { SuppressedFinding } from '../config/apply.js';

/** Overall state, in the seed's words. */
export type AuditStatus = 'HEALTHY' | 'NEEDS REFINEMENT' | 'AT RISK';

/** Totals over the whole audit. */
export interface AuditSummary {
  readonly status: AuditStatus;
  readonly riskLevel: 'none' | 'low' | 'medium' | 'high';
  /** Why the risk level is what it is, one sentence. */
  readonly riskReason: string;
  readonly findings: number;
  readonly bySeverity: { readonly [S in Severity]: number };
  readonly byRule: { readonly [rule: string]: number };
  readonly tables: number;
  readonly indexes: number;
  readonly foreignKeys: number;
  /** Bytes freed by dropping every index the findings say to drop. */
  readonly reclaimableBytes: number;
  /** Things the audit could not see (privileges, missing statistics). */
  readonly limitations: readonly string[];
  /** How old and how trustworthy the usage statistics are, with the reasons in words. */
  readonly statistics: StatisticsTrust;
  readonly durationMs: number;
  /** With `--baseline`: the earlier report, and how many findings it already had (left out of this report and its counts). */
  readonly baseline?: { readonly file: string; readonly known: number };
}

/** The result of an audit: the JSON report is `{ version, target, summary, findings, tables }`. */
export interface AuditResult {
  readonly version: 1;
  readonly target: TargetInfo;
  readonly summary: AuditSummary;
  readonly findings: readonly Finding[];
  /** Findings the configuration silenced, with its reason; not counted in the summary or exit code. */
  readonly suppressed?: readonly SuppressedFinding[];
  /** The type of every table audited, with evidence and confidence. */
  readonly tables: readonly TableClassification[];
  /** The model the rules saw; not part of the JSON report. */
  readonly model: SchemaModel;
  /** The workload the rules saw, when one was read; not part of the JSON report. */
  readonly workload: Workload | null;
  /** What the planner said about the workload's queries, when it was asked; not part of the JSON report. */
  readonly plans?: PlanEvidence | null;
}
