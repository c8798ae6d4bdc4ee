import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerializedError, TrainJobSummary } from '../../contract';
import { useEvaluation } from '../../stores';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { evaluateAgainstBase, loadAdapterInChat } from './resultActions';

export interface AdapterResultProps {
  /** A finished SFT or GRPO job: its base model, its adapter, and the names the comparison runs get. */
  job: Pick<TrainJobSummary, 'modelPath' | 'outPath' | 'modelName' | 'name'>;
  /** `train` or `grpo`: the box's test ids (`train-result`, `train-use-in-chat`, …). */
  testIdPrefix: string;
  help: string;
}

/** A finished job's adapter: its path, "Use in chat", and one click to evaluate it against its base. */
export function AdapterResult({ job, testIdPrefix, help }: AdapterResultProps) {
  const { t } = useTranslation();
  const sets = useEvaluation((s) => s.sets);
  const [setId, setSetId] = useState('');
  const [busy, setBusy] = useState<'chat' | 'eval' | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const setSelectId = useId();
  const run = async (what: 'chat' | 'eval') => {
    setBusy(what);
    setError(null);
    const refusal = what === 'chat' ? await loadAdapterInChat(job) : await evaluateAgainstBase(job, setId || null);
    setBusy(null);
    setError(refusal);
  };
  return (
    <div className="train-result" data-testid={`${testIdPrefix}-result`}>
      <h4>{t('training.result.title')}</h4>
      <p className="train-result-path">
        <Icon name="file" size={14} />
        <code className="eval-mono" data-testid={`${testIdPrefix}-adapter-path`}>
          {job.outPath}
        </code>
      </p>
      <p className="field-help">{help}</p>
      <div className="train-row">
        <button type="button" className="button button-primary" data-testid={`${testIdPrefix}-use-in-chat`} disabled={busy !== null} onClick={() => void run('chat')}>
          {busy === 'chat' ? t('training.result.loading') : t('training.result.useInChat')}
        </button>
      </div>
      <div className="train-row train-eval-row">
        <label className="field-label" htmlFor={setSelectId}>
          {t('training.result.set')}
        </label>
        <select id={setSelectId} className="input" value={setId} data-testid={`${testIdPrefix}-eval-set`} onChange={(e) => setSetId(e.target.value)}>
          <option value="">{sets.some((s) => s.format === 'sample') ? t('training.result.sampleSet') : t('training.result.addSampleSet')}</option>
          {sets
            .filter((s) => s.format !== 'sample')
            .map((s) => (
              <option key={s.id} value={s.id}>
                {t('evaluation.form.setOption', { name: s.name, count: s.itemCount })}
              </option>
            ))}
        </select>
        <button type="button" className="button" data-testid={`${testIdPrefix}-evaluate`} disabled={busy !== null} onClick={() => void run('eval')}>
          <Icon name="chart" size={14} /> {busy === 'eval' ? t('training.result.starting') : t('training.result.evaluate')}
        </button>
      </div>
      {error && <ErrorMessage error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
