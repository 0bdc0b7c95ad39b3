/** The share of moments in which the recommended pool_size covers every busy connection. */
export const COVERAGE = 0.999;

/**
 * The smallest k with P(X ≤ k) ≥ p for X ~ Poisson(mean). With requests arriving independently,
 * the number of connections busy at a moment is Poisson-distributed around the average that
 * Little's law gives (an M/G/∞ system), whatever the query-time distribution.
 */
export function poissonQuantile(mean: number, p: number = COVERAGE): number {
  if (!(mean > 0)) return 0;
  if (mean > 500) {
    // exp(-mean) underflows; the Cornish–Fisher normal approximation is exact enough there.
    const z = normalQuantile(p);
    return Math.ceil(mean + z * Math.sqrt(mean) + (z * z - 1) / 6);
  }
  let k = 0;
  let term = Math.exp(-mean);
  let cumulative = term;
  while (cumulative < p) {
    k++;
    term *= mean / k;
    cumulative += term;
  }
  return k;
}

/**
 * The smallest k with P(X ≤ k) ≥ p for X ~ Binomial(n, probability): the number of busy
 * connections when n callers are each busy with that probability, independently. Unlike the
 * Poisson model it never exceeds n: 26 callbacks cannot hold more than 26 connections.
 * Summed in log space so that (1 − probability)^n does not underflow for large n.
 */
export function binomialQuantile(n: number, probability: number, p: number = COVERAGE): number {
  if (!(n > 0) || !(probability > 0)) return 0;
  if (probability >= 1) return n;
  const ratio = Math.log(probability) - Math.log1p(-probability);
  let logTerm = n * Math.log1p(-probability);
  let cumulative = Math.exp(logTerm);
  let k = 0;
  while (cumulative < p && k < n) {
    logTerm += Math.log(n - k) - Math.log(k + 1) + ratio;
    k++;
    cumulative += Math.exp(logTerm);
  }
  return k;
}

/** Upper-tail inverse of the standard normal CDF, for p > 0.976 (Acklam's approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const at = (xs: readonly number[], i: number): number => xs[i] ?? 0;
  const q = Math.sqrt(-2 * Math.log(1 - p));
  const numerator = ((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5);
  const denominator = (((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1;
  return -numerator / denominator;
}

/** A number as people write it: integers plain, others with at most two decimals. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'unlimited' : String(n);
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/** `1 instance`, `3 instances`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${fmt(n)} ${n === 1 ? word : many}`;
}
