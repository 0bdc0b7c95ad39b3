/** A box: ticked, not ticked, not measurable, or not applicable to this database. */
export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'not-applicable';

/** One success criterion with the measured fact that decides it. */
export interface CheckItem {
  readonly id: string;
  readonly group: 'Indexes' | 'Monitoring' | 'Statistics';
  readonly label: string;
  readonly status: CheckStatus;
  /** The measurement behind the box, in words. */
  readonly detail: string;
}
