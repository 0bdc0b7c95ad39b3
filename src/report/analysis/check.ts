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

/** `3 of 13 met, 8 not measurable here`: the criteria that apply, how many are met, and how many could not be measured. */
export function criteriaMet(items: readonly CheckItem[]): string {
  const met = items.filter((c) => c.status === 'pass').length;
  const applicable = items.filter((c) => c.status !== 'not-applicable').length;
  const unknown = items.filter((c) => c.status === 'unknown').length;
  return `${met} of ${applicable} met${unknown > 0 ? `, ${unknown} not measurable here` : ''}`;
}
