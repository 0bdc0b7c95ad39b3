/** Numbers in words and figures, the same on every machine: shared by rules, reports and docs. */

// A fixed locale: reports must read the same on every machine and in CI snapshots.
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A count with thousands separators (`12,345`), as the en-US number format writes it. Whole
 * numbers are grouped by hand: rules format counts for every finding, and Intl's formatter was
 * the largest single cost of a rule that reports thousands of indexes.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return COUNT_FORMAT.format(n);
  const digits = String(Math.abs(n));
  if (digits.length <= 3) return n < 0 ? `-${digits}` : digits;
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
