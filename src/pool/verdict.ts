import { describeValue, DRIVER_SPECS } from './drivers.js';
import type { EffectivePool } from './effective.js';
import { fmt } from './math.js';
import { farAbove, type Budget, type Sizes } from './sizing.js';
import type { PoolInputs, PoolRecommendation } from './types.js';

/** What is wrong with the pool's size, each the reason for one finding. */
export type SizeProblem =
  | { readonly kind: 'exceeds-server'; readonly total: number }
  | { readonly kind: 'oversized'; readonly useful: number }
  | { readonly kind: 'below-average' }
  | { readonly kind: 'below-peak' }
  | { readonly kind: 'overflow-churn'; readonly persistent: number };

/** The size problems of the current pool: none when it fits, or when its size is unknown. */
export function sizeProblems(current: EffectivePool | null, sizes: Sizes | null, budget: Budget): SizeProblem[] {
  const cap = current?.cap;
  if (cap === null || cap === undefined) return [];
  const out: SizeProblem[] = [];
  const total = budget.pools * cap + budget.other;
  if (total > budget.available) out.push({ kind: 'exceeds-server', total });
  if (!sizes || !Number.isFinite(cap)) return out;
  const useful = sizes.steady + sizes.burst;
  if (farAbove(cap, useful)) out.push({ kind: 'oversized', useful });
  else if (cap < sizes.perProcessMean) out.push({ kind: 'below-average' });
  else if (cap < sizes.steady) out.push({ kind: 'below-peak' });
  else if (
    current?.driver === 'sqlalchemy' &&
    current.persistent !== null &&
    current.persistent > 0 &&
    current.persistent < sizes.perProcessMean
  )
    out.push({ kind: 'overflow-churn', persistent: current.persistent });
  return out;
}

/** Fits, does not fit, or unknown: an unread size is never "fits". */
export function fitOf(
  inputs: PoolInputs,
  current: EffectivePool | null,
  sizes: Sizes | null,
  problems: readonly SizeProblem[],
): PoolRecommendation['fit'] {
  if (!current || !inputs.settings) return { status: 'not-checked', why: 'no pool settings given (--from, --set or a config file)' };
  if (problems.length > 0) return { status: 'does-not-fit', why: problems.map((p) => p.kind).join(', ') };
  if (current.cap === null) {
    const spec = DRIVER_SPECS[current.driver];
    const unread = Object.entries(inputs.settings.values)
      .filter(([name]) => current.unreadable.some((u) => u.startsWith(`${name}=`)))
      .map(([name, value]) => `${name}=${describeValue(value)}`);
    const what = unread.length > 0 ? `${unread.join(', ')} cannot be read without running the application` : `${current.capText}`;
    if (!spec.max.key)
      return {
        status: 'unknown',
        why: `the pool size is unknown: ${spec.label} holds ${what}, and the code does not say how many threads run`,
      };
    return { status: 'unknown', why: `the pool size is unknown: ${what}; give it with --set ${spec.max.key}=N` };
  }
  if (!sizes)
    return {
      status: 'unknown',
      why: `${current.capText} fits the server; give the load (--concurrency, or --rps with --query-ms) to check it against the load`,
    };
  return {
    status: 'fits',
    why: `${current.capText} = ${fmt(current.cap)} per process covers the peak ${sizes.steady} and fits the server`,
  };
}
