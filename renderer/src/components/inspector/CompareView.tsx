import { memo, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageComparison, MessageRecord, TraceCheckResult, TraceStep } from '../../contract';
import { inspectorStore, useConversations, useInspector } from '../../stores';
import { compareRows, divergenceStep } from '../../lib/compareRows';
import { originalId } from '../../lib/alternatives';
import { segmentStep } from '../../lib/traceSegments';
import { baseName } from '../../lib/format';
import { parseBoxed, simplifyLatex } from '../../lib/boxed';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { useDialogFocus } from '../common/useDialogFocus';

/** A step in a comparison cell: its text (wrong calculations underlined) and any wrong result, compactly. */
const CompareStep = memo(function CompareStep({ step }: { step: TraceStep }) {
  const { t } = useTranslation();
  const segments = useMemo(() => segmentStep(step), [step]);
  const wrong = step.checks.filter((c) => c.status === 'wrong');
  return (
    <div className="compare-step" data-kind={step.kind}>
      <div className="compare-step-head">
        <span className="trace-step-number">{step.index + 1}</span>
        <span className={`trace-kind kind-${step.kind}`}>{t(`inspector.kinds.${step.kind}`)}</span>
      </div>
      <div className="trace-step-text">
        {segments.map((segment) => {
          const status = segment.check === null ? null : (step.checks[segment.check]?.status ?? null);
          const className = `${segment.kind === 'number' ? 'trace-number is-plain' : ''}${status ? ` calc-span in-${status}` : ''}`;
          return className ? (
            <span key={segment.start} className={className}>
              {segment.text}
            </span>
          ) : (
            <span key={segment.start}>{segment.text}</span>
          );
        })}
      </div>
      {wrong.map((check, i) => (
        <div key={i} className="calc-check is-wrong" data-testid="calc-check" data-status="wrong">
          <span className="calc-mark" aria-hidden="true">
            ✗
          </span>
          <span className="calc-expression">{check.expression} = </span>
          <s className="calc-claimed">{check.claimed}</s>
          <strong className="calc-expected">{t('inspector.check.wrong', { expected: check.expected })}</strong>
        </div>
      ))}
    </div>
  );
});

/** The answer on one line: boxed results unwrapped, simple LaTeX made readable, long ones cut. */
function readableAnswer(answer: string): string {
  const text = simplifyLatex(
    parseBoxed(answer)
      .map((segment) => segment.text)
      .join('')
      .replace(/\s+/g, ' '),
  );
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function SideHeader({ label, message, result, answer }: { label: string; message: MessageRecord | undefined; result: TraceCheckResult; answer: string }) {
  const { t } = useTranslation();
  const model = message?.modelName || (message?.modelPath ? baseName(message.modelPath) : null);
  const seed = message?.sampling?.seed;
  return (
    <div className="compare-side" data-testid="compare-side" data-errors={result.errors}>
      <div className="compare-side-title">{label}</div>
      <div className="compare-side-meta">
        {model && <span>{model}</span>}
        <span>{seed !== undefined ? t('compare.seed', { seed }) : t('compare.noSeed')}</span>
        <span className={result.errors > 0 ? 'compare-errors has-errors' : 'compare-errors'}>
          {result.errors > 0 ? `✗ ${t('compare.errors', { count: result.errors })}` : `✓ ${t('compare.noErrors')}`}
        </span>
      </div>
      {answer && <div className="compare-answer">{t('compare.answerLine', { answer: readableAnswer(answer) })}</div>}
    </div>
  );
}

function Rows({ data, leftLabel, rightLabel }: { data: MessageComparison; leftLabel: string; rightLabel: string }) {
  const { t } = useTranslation();
  const rows = useMemo(() => compareRows(data), [data]);
  const divergentRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    divergentRef.current?.scrollIntoView({ block: 'center' });
  }, [data]);
  return (
    <div className="compare-rows" role="table" aria-label={t('compare.title')}>
      <div className="compare-row compare-row-head" role="row">
        <div role="columnheader">{leftLabel}</div>
        <div role="columnheader">{rightLabel}</div>
      </div>
      {rows.map((row) => (
        <div
          key={row.key}
          ref={row.diverges ? divergentRef : undefined}
          className={`compare-row${row.same ? ' is-same' : ' is-different'}${row.diverges ? ' is-divergence' : ''}`}
          data-testid="compare-row"
          data-same={row.same}
          data-diverges={row.diverges}
          role="row"
          aria-label={row.same ? t('compare.sameRow') : t('compare.differentRow')}
        >
          <div role="cell" className={`compare-cell${row.leftError ? ' has-error' : ''}`}>
            {row.left ? <CompareStep step={row.left} /> : <span className="compare-empty">{t('compare.noStep')}</span>}
          </div>
          <div role="cell" className={`compare-cell${row.rightError ? ' has-error' : ''}`}>
            {row.right ? <CompareStep step={row.right} /> : <span className="compare-empty">{t('compare.noStep')}</span>}
          </div>
        </div>
      ))}
    </div>
  );
}

/**
 * Two answers to the same question side by side: steps aligned, the first divergence highlighted and announced,
 * each side's errors, model and seed. Escape or Close returns to the conversation.
 */
export function CompareView() {
  const { t } = useTranslation();
  const comparison = useInspector((s) => s.comparison);
  const messages = useConversations((s) => s.messages);
  // Opened once per comparison pair.
  const closeRef = useDialogFocus(comparison !== null, {
    onClose: () => inspectorStore.getState().closeCompare(),
    subject: comparison ? JSON.stringify([comparison.leftId, comparison.rightId]) : undefined,
  });

  if (!comparison) return null;
  const left = messages.find((m) => m.id === comparison.leftId);
  const right = messages.find((m) => m.id === comparison.rightId);
  // "Answer N" as numbered in the group's tabs.
  const numberOf = (message: MessageRecord | undefined) => {
    if (!message) return 0;
    const group = messages.filter((m) => m.role === 'assistant' && originalId(m) === originalId(message));
    return group.findIndex((m) => m.id === message.id) + 1;
  };
  const leftLabel = t('alternatives.answer', { number: numberOf(left) });
  const rightLabel = t('alternatives.answer', { number: numberOf(right) });
  const data = comparison.data;
  const step = data ? divergenceStep(data) : null;

  return (
    <div className="compare-overlay">
      <div className="compare-view" data-testid="compare-view" role="dialog" aria-modal="true" aria-labelledby="compare-title">
        <div className="compare-header">
          <h2 id="compare-title">{t('compare.title')}</h2>
          <button ref={closeRef} type="button" className="button button-small" data-testid="compare-close" title={t('compare.closeTooltip')} onClick={() => inspectorStore.getState().closeCompare()}>
            <Icon name="close" size={13} />
            {t('compare.close')}
          </button>
        </div>
        {comparison.status === 'loading' && <p className="muted compare-message">{t('compare.loading')}</p>}
        {comparison.status === 'error' && comparison.error && (
          <div className="compare-message">
            <p>{t('compare.failed')}</p>
            <ErrorMessage error={comparison.error} />
          </div>
        )}
        {data && (
          <>
            <div className={`compare-divergence${step !== null ? ' has-divergence' : ''}`} data-testid="compare-divergence" role="status">
              {step !== null ? t('compare.divergesAt', { step }) : t('compare.same')}
            </div>
            <div className="compare-sides">
              <SideHeader label={leftLabel} message={left} result={data.left} answer={data.leftInput.answer} />
              <SideHeader label={rightLabel} message={right} result={data.right} answer={data.rightInput.answer} />
            </div>
            <Rows data={data} leftLabel={leftLabel} rightLabel={rightLabel} />
          </>
        )}
      </div>
    </div>
  );
}
