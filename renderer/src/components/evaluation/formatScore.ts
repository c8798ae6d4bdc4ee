/** Scores as the evaluation view prints them: accuracies as percents with one decimal, as the paper does (two). */

export function formatPercent(fraction: number | null | undefined, locale: string, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return fraction.toLocaleString(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "62.1–81.4%": a 95% interval. */
export function formatInterval(ci: readonly [number, number] | null | undefined, locale: string): string {
  if (!ci) return '—';
  const number = (x: number) => (x * 100).toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return `${number(ci[0])}–${number(ci[1])}%`;
}

/** Seconds with one decimal ("3.2 s"), or "—". */
export function formatSeconds(seconds: number | null | undefined, locale: string): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  return `${seconds.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

export function formatNumber(value: number | null | undefined, locale: string, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(locale, { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
