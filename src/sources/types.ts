import type { TargetInfo } from '../model/target.js';
import type { Queryable } from '../dialects/types.js';

/** An open database to audit, whatever it came from. */
export interface OpenTarget {
  readonly db: Queryable;
  /** Describes the target for reports; never contains credentials. */
  readonly info: Pick<TargetInfo, 'kind' | 'name'>;
  close(): Promise<void>;
}
