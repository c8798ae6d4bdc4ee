import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { GrpoGroup, GrpoJobDetail } from '../../../contract';
import { grpoStore, useGrpo } from '../../../stores';
import { groupsOf } from '../../../stores/grpo';
import { splitReasoning } from '../../../contract';
import { formatInteger } from '../../../lib/format';
import { Icon } from '../../common/Icon';
import { formatReward } from './grpoSeries';

const PREVIEW_CHARS = 140;

function Group({ group, step, index }: { group: GrpoGroup; step: number; index: number }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const splits = useMemo(() => group.samples.map((s) => splitReasoning(s.text)), [group.samples]);
  const best = Math.max(...group.samples.map((s) => s.reward));
  const captionId = useId();
  return (
    <li className="grpo-group" data-testid="grpo-group">
      <div className="grpo-group-question" id={captionId}>
        <span className="muted">{t('grpo.groups.prompt', { number: index + 1 })}</span> {group.question}
      </div>
      <div className="muted eval-sub">{t('training.detail.reference', { reference: group.reference })}</div>
      <div className="eval-table-scroll">
        <table className="data-table grpo-samples" aria-labelledby={captionId}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('grpo.groups.reward')}</th>
              <th scope="col">{t('grpo.groups.format')}</th>
              <th scope="col">{t('grpo.groups.accuracy')}</th>
              <th scope="col">{t('grpo.groups.advantage')}</th>
              <th scope="col">{t('grpo.groups.tokens')}</th>
              <th scope="col">{t('grpo.groups.answer')}</th>
              <th scope="col">
                <span className="eval-sr-only">{t('grpo.groups.inspect')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {group.samples.map((sample, i) => {
              const answer = splits[i]!.answer || sample.text;
              return (
                <tr key={i} data-testid="grpo-sample" data-reward={sample.reward} className={sample.reward === best && best > 0 ? 'is-best' : undefined}>
                  <td>{i + 1}</td>
                  <td className="eval-mono">{formatReward(sample.reward, locale)}</td>
                  <td className="eval-mono">{formatReward(sample.format, locale)}</td>
                  <td className="eval-mono">{formatReward(sample.accuracy, locale)}</td>
                  <td className={`eval-mono ${sample.advantage > 0 ? 'grpo-up' : sample.advantage < 0 ? 'grpo-down' : ''}`}>{formatReward(sample.advantage, locale, true)}</td>
                  <td className="eval-mono">{formatInteger(sample.tokens, locale)}</td>
                  <td className="grpo-sample-answer" title={answer}>
                    {answer.length > PREVIEW_CHARS ? `${answer.slice(0, PREVIEW_CHARS)}…` : answer || '—'}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      data-testid="grpo-sample-inspect"
                      aria-label={t('grpo.groups.inspectLabel', { sample: i + 1, prompt: index + 1 })}
                      onClick={() => void grpoStore.getState().openSample(step, index, i)}
                    >
                      <Icon name="inspect" size={13} /> {t('grpo.groups.inspect')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </li>
  );
}

/** The sampled answers of a recent step, a group per prompt, each with its reward, its parts and its advantage. */
export function GrpoGroups({ detail }: { detail: GrpoJobDetail }) {
  const { t } = useTranslation();
  const groupStep = useGrpo((s) => s.groupStep);
  const selectId = useId();
  const shown = groupsOf(detail, groupStep);
  if (!shown) return null;
  const steps = detail.recentGroups.map((r) => r.step).sort((a, b) => b - a);
  return (
    <div className="grpo-groups" data-testid="grpo-groups" data-step={shown.step}>
      <div className="train-row">
        <h4>{t('grpo.groups.title', { step: shown.step })}</h4>
        {steps.length > 1 && (
          <>
            <label className="field-label" htmlFor={selectId}>
              {t('grpo.groups.step')}
            </label>
            <select id={selectId} className="input grpo-step-select" value={groupStep ?? ''} onChange={(e) => grpoStore.getState().showGroupsOf(e.target.value ? Number(e.target.value) : null)}>
              <option value="">{t('grpo.groups.latest')}</option>
              {steps.map((s) => (
                <option key={s} value={s}>
                  {t('grpo.groups.stepOption', { step: s })}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      <p className="field-help">{t('grpo.groups.help')}</p>
      <ul className="grpo-group-list">
        {shown.groups.map((group, i) => (
          <Group key={`${shown.step}-${group.itemId}-${i}`} group={group} step={shown.step} index={i} />
        ))}
      </ul>
    </div>
  );
}
