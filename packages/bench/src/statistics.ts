/** The few statistics the benchmarks print: rates, percentiles, medians, ratios. */

/** Jobs (or messages) per second, rounded: `n` in `ms` milliseconds. */
export function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

/** The `p`th percentile by nearest rank; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

/** The median (mean of the middle two for an even count); NaN for no samples. */
export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const fmtMs = (ms: number) => `${ms.toFixed(2)} ms`;
