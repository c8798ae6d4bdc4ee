/** A job's figures as the fine-tuning view prints and charts them. */
import type { TrainLossPoint, TrainValidationPoint } from '../../contract';

/** A loss with three decimals ("1.234"), or "—". */
export function formatLoss(loss: number | null | undefined, locale: string): string {
  if (loss === null || loss === undefined || !Number.isFinite(loss)) return '—';
  return loss.toLocaleString(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
}

export interface ChartRow {
  step: number;
  loss?: number;
  validation?: number;
  tokensPerSecond?: number;
  memory?: number;
}

/** One row per step, training and validation loss side by side (validation only at the steps it was measured). */
export function chartRows(loss: readonly TrainLossPoint[], validation: readonly TrainValidationPoint[]): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const p of loss) rows.set(p.step, { step: p.step, loss: p.loss, tokensPerSecond: p.tokensPerSecond, memory: p.peakMemoryBytes });
  for (const v of validation) rows.set(v.step, { ...(rows.get(v.step) ?? { step: v.step }), validation: v.loss });
  return [...rows.values()].sort((a, b) => a.step - b.step);
}
