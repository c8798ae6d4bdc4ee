import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerConsistency, TraceCheckResult } from '../../contract';
import { simplifyLatex } from '../../lib/boxed';
import { countChecks, hasError } from '../../lib/traceSegments';
import { useInspectorContext } from './inspectorContext';

function AnswerLine({ answer }: { answer: AnswerConsistency }) {
  const { t } = useTranslation();
  const raw = answer.answerRaw ?? answer.answerValue;
  const shown = raw === null ? null : simplifyLatex(raw);
  let text: string;
  if (answer.consistent === true) text = t('inspector.answer.agrees', { value: shown ?? answer.lastComputed ?? '' });
  else if (answer.consistent === false) text = t('inspector.answer.disagrees', { answer: shown ?? '', computed: answer.lastComputed ?? '' });
  else if (shown === null) text = t('inspector.answer.noAnswer');
  else text = t('inspector.answer.noComputed', { answer: shown });
  const state = answer.consistent === null ? 'null' : String(answer.consistent);
  return (
    <div className={`answer-consistency is-${state}`} data-testid="answer-consistency" data-consistent={state} title={answer.note}>
      <span className="consistency-mark" aria-hidden="true">
        {answer.consistent === true ? '✓' : answer.consistent === false ? '✗' : '–'}
      </span>
      {text}
    </div>
  );
}

/** Wrong calculations first (red), then what they affect, unsourced numbers and whether the answer agrees. */
export const InspectorSummary = memo(function InspectorSummary({ result }: { result: TraceCheckResult }) {
  const { t } = useTranslation();
  const { scrollToStep } = useInspectorContext();
  const counts = countChecks(result);
  const firstError = result.steps.find(hasError);
  const headline =
    result.errors > 0
      ? t('inspector.summary.wrong', { count: result.errors })
      : counts.correct > 0
        ? t('inspector.summary.allCorrect', { count: counts.correct })
        : t('inspector.summary.noCalculations');
  const details: { key: string; text: string; tone: 'warn' | 'muted' }[] = [];
  if (counts.affected > 0) details.push({ key: 'affected', text: t('inspector.summary.affected', { count: counts.affected }), tone: 'warn' });
  if (counts.unverifiable > 0) details.push({ key: 'unverifiable', text: t('inspector.summary.unverifiable', { count: counts.unverifiable }), tone: 'muted' });
  details.push(
    result.unsourcedNumbers > 0
      ? { key: 'unsourced', text: t('inspector.summary.unsourced', { count: result.unsourcedNumbers }), tone: 'warn' }
      : { key: 'sourced', text: t('inspector.summary.allSourced'), tone: 'muted' },
  );
  return (
    <div className="inspector-summary-block">
      <div className={`inspector-summary ${result.errors > 0 ? 'has-errors' : counts.correct > 0 ? 'is-clean' : 'is-empty'}`} data-testid="inspector-summary" data-errors={result.errors}>
        <span className="summary-headline">{headline}</span>
        {firstError && (
          <button type="button" className="link-button summary-jump" data-testid="jump-to-error" onClick={() => scrollToStep(firstError.index)}>
            {t('inspector.summary.goToError', { step: firstError.index + 1 })}
          </button>
        )}
        {details.map((detail) => (
          <span key={detail.key} className={`summary-detail tone-${detail.tone}`} data-testid={detail.key === 'unsourced' ? 'unsourced-count' : undefined}>
            {detail.text}
          </span>
        ))}
      </div>
      <AnswerLine answer={result.answer} />
    </div>
  );
});
