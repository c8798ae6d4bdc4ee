import { useTranslation } from 'react-i18next';
import { grpoStore, useGrpo } from '../../../stores';
import { formatInteger } from '../../../lib/format';
import { Icon } from '../../common/Icon';
import { useDialogFocus } from '../../common/useDialogFocus';
import { InspectorPanel } from '../../inspector/InspectorPanel';
import { formatReward } from './grpoSeries';

/**
 * One sampled answer of a GRPO group, over the view: its reward and the parts of it, the answer, the output as
 * sampled, and the reasoning inspector's check of its reasoning (as the evaluation view shows an item).
 */
export function GrpoSampleInspector() {
  const { t, i18n } = useTranslation();
  const inspection = useGrpo((s) => s.inspection);
  const closeRef = useDialogFocus(inspection !== null, { onClose: () => grpoStore.getState().closeSample() });
  if (!inspection) return null;
  const { sample, group } = inspection;
  const locale = i18n.language;
  const reward = (v: number) => formatReward(v, locale);
  return (
    <div className="compare-overlay eval-item-overlay">
      <div className="compare-view eval-item-view" data-testid="grpo-sample-inspector" data-status={inspection.status} role="dialog" aria-modal="true" aria-labelledby="grpo-sample-title">
        <div className="compare-header">
          <h2 id="grpo-sample-title">{t('grpo.sample.title', { step: inspection.step, prompt: inspection.groupIndex + 1, sample: inspection.sampleIndex + 1 })}</h2>
          <button ref={closeRef} type="button" className="button button-small" data-testid="grpo-sample-close" onClick={() => grpoStore.getState().closeSample()}>
            <Icon name="close" size={13} />
            {t('evaluation.close')}
          </button>
        </div>
        <div className="eval-item-body">
          <dl className="eval-item-facts">
            <div>
              <dt>{t('grpo.groups.reward')}</dt>
              <dd className="eval-mono" data-testid="grpo-sample-reward">
                {reward(sample.reward)}
              </dd>
            </div>
            <div>
              <dt>{t('grpo.groups.format')}</dt>
              <dd className="eval-mono">{reward(sample.format)}</dd>
            </div>
            <div>
              <dt>{t('grpo.groups.accuracy')}</dt>
              <dd className="eval-mono">{reward(sample.accuracy)}</dd>
            </div>
            {sample.custom.length > 0 && (
              <div>
                <dt>{t('grpo.sample.custom')}</dt>
                <dd className="eval-mono">{sample.custom.map(reward).join(' · ')}</dd>
              </div>
            )}
            <div>
              <dt>{t('grpo.groups.advantage')}</dt>
              <dd className="eval-mono">{formatReward(sample.advantage, locale, true)}</dd>
            </div>
            <div>
              <dt>{t('grpo.groups.tokens')}</dt>
              <dd>{formatInteger(sample.tokens, locale)}</dd>
            </div>
            <div>
              <dt>{t('evaluation.columns.reference')}</dt>
              <dd className="eval-mono">{group.reference}</dd>
            </div>
          </dl>
          <div className="eval-item-block">
            <div className="inspector-label">{t('grpo.sample.question')}</div>
            <p className="grpo-sample-question">{group.question}</p>
          </div>
          <div className="eval-item-block">
            <div className="inspector-label">{t('evaluation.item.answer')}</div>
            <pre className="eval-pre" data-testid="grpo-sample-answer">
              {inspection.answer || '—'}
            </pre>
          </div>
          <details className="eval-item-block">
            <summary>{t('evaluation.item.output')}</summary>
            <pre className="eval-pre" data-testid="grpo-sample-output">
              {sample.text}
            </pre>
          </details>
          {inspection.status === 'checking' && <p className="muted">{t('evaluation.loading')}</p>}
          <InspectorPanel
            result={inspection.check}
            question={group.question}
            streaming={false}
            messageId={`grpo:${inspection.jobId}:${inspection.step}:${inspection.groupIndex}:${inspection.sampleIndex}`}
            error={inspection.status === 'error' ? inspection.error : null}
            onRetry={() => void grpoStore.getState().openSample(inspection.step, inspection.groupIndex, inspection.sampleIndex)}
            exportable={false}
          />
        </div>
      </div>
    </div>
  );
}
