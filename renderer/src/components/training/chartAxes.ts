/** What the SFT and GRPO charts share: the margin, the step axis and the tooltip (spread into recharts' props). */
export const chartMargin = { top: 8, right: 12, bottom: 4, left: 0 };

export const stepAxis = { dataKey: 'step', type: 'number', domain: ['dataMin', 'dataMax'], allowDecimals: false, tickLine: false, minTickGap: 24 } as const;

/** A tooltip titled by the step, its values (a range as "a – b") written with `format`. */
export function stepTooltip(stepLabel: string, format: (value: number) => string) {
  return {
    labelFormatter: (step: unknown) => `${stepLabel} ${String(step)}`,
    formatter: (value: unknown) => (Array.isArray(value) ? value.map((v) => format(Number(v))).join(' – ') : format(Number(value))),
    isAnimationActive: false,
  };
}
