import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalculationCheck, TraceCheckResult, TraceStep } from '../../contract';
import { hasError, sameStep, segmentStep, sourceKind, sourceTarget } from '../../lib/traceSegments';
import { useHover, useInspectorContext } from './inspectorContext';
import { libraryDocumentName, sourceText } from './sourceText';
import { libraryStore, useLibrary } from '../../stores';

function CalcCheck({ check }: { check: CalculationCheck }) {
  const { t } = useTranslation();
  const { scrollToStep } = useInspectorContext();
  const common = { 'data-testid': 'calc-check', 'data-status': check.status };
  switch (check.status) {
    case 'wrong':
      return (
        <li {...common} className="calc-check is-wrong" aria-label={t('inspector.check.wrongLabel', { expression: check.expression, claimed: check.claimed, expected: check.expected })}>
          <span className="calc-mark" aria-hidden="true">
            ✗
          </span>
          <span className="calc-expression">{check.expression} = </span>
          <s className="calc-claimed">{check.claimed}</s>
          <strong className="calc-expected">{t('inspector.check.wrong', { expected: check.expected })}</strong>
        </li>
      );
    case 'affected': {
      const origin = check.origin?.stepIndex;
      return (
        <li {...common} className="calc-check is-affected">
          <span className="calc-mark" aria-hidden="true">
            ⚠
          </span>
          <span className="calc-expression">
            {check.expression} = {check.claimed}
          </span>
          {origin !== undefined && (
            <button type="button" className="link-button calc-origin" data-testid="calc-origin" title={t('inspector.check.affectedTooltip', { step: origin + 1 })} onClick={() => scrollToStep(origin)}>
              {t('inspector.check.affected', { step: origin + 1 })}
            </button>
          )}
        </li>
      );
    }
    case 'correct':
      return (
        <li {...common} className="calc-check is-correct" title={t('inspector.check.correct')}>
          <span className="calc-mark" aria-label={t('inspector.check.correct')}>
            ✓
          </span>
          <span className="calc-expression">
            {check.expression} = {check.claimed}
          </span>
        </li>
      );
    case 'unverifiable':
      return (
        <li {...common} className="calc-check is-unverifiable">
          <span className="calc-mark" aria-hidden="true">
            ?
          </span>
          <span className="calc-expression">
            {check.expression} = {check.claimed}
          </span>
          <span className="calc-note">{t('inspector.check.unverifiable')}</span>
        </li>
      );
  }
}

interface StepProps {
  step: TraceStep;
  /** For resolving derived sources (the steps before this one). */
  result: TraceCheckResult;
  question: string;
}

/** The step's text, numbers marked (by their offsets), wrong/affected calculations underlined. */
function StepText({ step, result, question }: StepProps) {
  const { t } = useTranslation();
  const { hover, noteId } = useInspectorContext();
  const segments = useMemo(() => segmentStep(step), [step]);
  const documents = useLibrary((s) => s.documents);
  const documentName = useMemo(() => libraryDocumentName(documents), [documents]);
  // Only the numbers of this step that are the hovered one or its source change this step's rendering.
  const activeNumber = useHover((s) => (s.active?.stepIndex === step.index ? s.active.numberIndex : null));
  const sourceNumber = useHover((s) => (s.active?.target.kind === 'step' && s.active.target.stepIndex === step.index ? s.active.target.numberIndex : null));

  return (
    <div className="trace-step-text">
      {segments.map((segment) => {
        const inCheck = segment.check === null ? '' : ` in-${step.checks[segment.check]?.status ?? 'check'}`;
        if (segment.kind === 'text') {
          return inCheck ? (
            <span key={segment.start} className={`calc-span${inCheck}`}>
              {segment.text}
            </span>
          ) : (
            <span key={segment.start}>{segment.text}</span>
          );
        }
        const mention = step.numbers[segment.number]!;
        const target = sourceTarget(result, mention, mention.source);
        const activate = () => hover.getState().setActive({ stepIndex: step.index, numberIndex: segment.number, target });
        const deactivate = () => {
          const active = hover.getState().active;
          if (active?.stepIndex === step.index && active.numberIndex === segment.number) hover.getState().setActive(null);
        };
        const isActive = activeNumber === segment.number;
        const isSource = sourceNumber === segment.number;
        // A number taken from a report opens the page it came from.
        const reportPage = target.kind === 'context' && target.documentId && target.page !== null ? { documentId: target.documentId, page: target.page } : null;
        const openReport = reportPage
          ? () => void libraryStore.getState().openPage({ ...reportPage, fileName: documentName(reportPage.documentId) ?? '' })
          : undefined;
        return (
          <mark
            key={segment.start}
            className={`trace-number${inCheck}${isActive ? ' is-active' : ''}${isSource ? ' is-source' : ''}`}
            data-testid="trace-number"
            data-source-kind={sourceKind(mention.source)}
            data-role={mention.role}
            tabIndex={0}
            title={reportPage ? `${sourceText(t, target, question, step.index, documentName)} — ${t('inspector.source.openPage')}` : sourceText(t, target, question, step.index, documentName)}
            aria-describedby={isActive ? noteId : undefined}
            onClick={openReport}
            onKeyDown={openReport ? (event) => event.key === 'Enter' && openReport() : undefined}
            onMouseEnter={activate}
            onMouseLeave={deactivate}
            onFocus={activate}
            onBlur={deactivate}
          >
            {segment.text}
          </mark>
        );
      })}
    </div>
  );
}

function TraceStepViewImpl({ step, result, question }: StepProps) {
  const { t } = useTranslation();
  const flash = useHover((s) => s.flashStep === step.index);
  // The step that holds the hovered number's source calculation.
  const isSource = useHover((s) => s.active?.target.kind === 'step' && s.active.target.stepIndex === step.index && s.active.stepIndex !== step.index);
  const error = hasError(step);
  const kind = t(`inspector.kinds.${step.kind}`);
  return (
    <div
      role="listitem"
      className={`trace-step kind-${step.kind}${error ? ' has-error' : ''}${step.affected ? ' is-affected' : ''}${flash ? ' is-flash' : ''}${isSource ? ' is-source' : ''}`}
      data-testid="trace-step"
      data-step={step.index}
      data-kind={step.kind}
      data-affected={step.affected}
      data-has-error={error}
      tabIndex={-1}
      aria-label={t('inspector.stepLabel', { number: step.index + 1, kind })}
    >
      <div className="trace-step-head">
        <span className="trace-step-number">{step.index + 1}</span>
        <span className={`trace-kind kind-${step.kind}`}>{kind}</span>
      </div>
      <div className="trace-step-body">
        <StepText step={step} result={result} question={question} />
        {step.checks.length > 0 && (
          <ul className="calc-checks">
            {step.checks.map((check, i) => (
              <CalcCheck key={i} check={check} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/**
 * One step of the outline. Re-renders only when the step itself changes (a live result is a new object every
 * second; unchanged steps are compared by content) or its highlight does; `result` is read for sources only.
 */
export const TraceStepView = memo(TraceStepViewImpl, (a, b) => a.question === b.question && sameStep(a.step, b.step));
