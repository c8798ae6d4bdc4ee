import type { ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';

/** One titled chart of a job (SFT or GRPO); `label` is its accessible summary (the chart itself is an image). */
export function ChartBox({ title, label, testId, children }: { title: string; label: string; testId: string; children: ReactElement }) {
  return (
    <figure className="eval-chart-figure train-chart" data-testid={testId}>
      <figcaption className="train-chart-title">{title}</figcaption>
      <div className="eval-chart-box train-chart-box" role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height={200}>
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
