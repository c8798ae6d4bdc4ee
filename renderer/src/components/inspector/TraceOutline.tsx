import { useCallback, useImperativeHandle, useRef, type Ref } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TraceCheckResult } from '../../contract';
import { TraceStepView } from './TraceStepView';

/** Above this many steps only the visible ones are in the DOM (a 10,000-token trace has a few hundred). */
export const virtualizeFromSteps = 60;

export interface OutlineHandle {
  /** Scrolls a step into view and focuses it; false when it is not in the outline. */
  reveal(stepIndex: number): boolean;
}

interface Props {
  result: TraceCheckResult;
  question: string;
  label: string;
  handle: Ref<OutlineHandle>;
}

function focusStep(container: HTMLElement | null, stepIndex: number): boolean {
  const element = container?.querySelector<HTMLElement>(`[data-step="${stepIndex}"]`);
  if (!element) return false;
  element.scrollIntoView({ block: 'nearest' });
  element.focus({ preventScroll: true });
  return true;
}

function PlainOutline({ result, question, label, handle }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useImperativeHandle(handle, () => ({ reveal: (stepIndex) => focusStep(ref.current, stepIndex) }), []);
  return (
    <div ref={ref} role="list" className="trace-outline" data-testid="trace-outline" aria-label={label}>
      {result.steps.map((step) => (
        <TraceStepView key={step.index} step={step} result={result} question={question} />
      ))}
    </div>
  );
}

function VirtualOutline({ result, question, label, handle }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const steps = result.steps;
  // The virtualizer is mutable by design; this component re-renders with it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: steps.length,
    getScrollElement: () => ref.current,
    // ~100 characters a line at the outline's width, 20 px a line, plus the calculations and padding.
    estimateSize: (index) => {
      const step = steps[index];
      return step ? Math.max(1, Math.ceil(step.text.length / 100)) * 20 + step.checks.length * 20 + 14 : 34;
    },
    overscan: 6,
    getItemKey: (index) => steps[index]?.index ?? index,
    useFlushSync: false,
  });
  const reveal = useCallback(
    (stepIndex: number) => {
      const position = steps.findIndex((s) => s.index === stepIndex);
      if (position < 0) return false;
      virtualizer.scrollToIndex(position, { align: 'center' });
      // Rendered on the next frames; focus it once it is there.
      let tries = 0;
      const attempt = () => {
        if (!focusStep(ref.current, stepIndex) && ++tries < 10) requestAnimationFrame(attempt);
      };
      requestAnimationFrame(attempt);
      return true;
    },
    [steps, virtualizer],
  );
  useImperativeHandle(handle, () => ({ reveal }), [reveal]);
  return (
    <div ref={ref} className="trace-outline is-virtual" data-testid="trace-outline" data-virtualized="true">
      <div role="list" className="trace-virtual-space" aria-label={label} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const step = steps[item.index]!;
          return (
            <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} role="presentation" className="trace-virtual-item" style={{ transform: `translateY(${item.start}px)` }}>
              <TraceStepView step={step} result={result} question={question} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The numbered steps; virtualised for long traces. */
export function TraceOutline(props: Props) {
  return props.result.steps.length > virtualizeFromSteps ? <VirtualOutline {...props} /> : <PlainOutline {...props} />;
}
