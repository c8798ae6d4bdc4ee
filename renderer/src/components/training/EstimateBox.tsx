import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SerializedError, TrainEstimate } from '../../contract';
import { useApp } from '../../stores';
import { formatBytes, formatDuration, formatInteger, formatRate } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { adviceText } from './notes';

/** What the estimate box shows, from an SFT or a GRPO estimate (labels already translated). */
export interface EstimateFigures {
  totalBytes: number;
  availableBytes: number;
  fits: boolean;
  /** Where the memory goes. */
  parts: Array<{ key: string; label: string; bytes: number }>;
  seconds: number | null;
  speeds: Array<{ key: string; label: string; tokensPerSecond: number; source: 'measured' | 'assumed' }>;
  trainableParams: number;
  totalTokens: number | null;
  advice: string[];
}

/** The trainer's memory by part, in SFT's and GRPO's estimates alike. */
const trainerParts = ['modelBytes', 'loraBytes', 'activationBytes', 'attentionBytes', 'otherBytes'] as const;

/** What the box reads of an SFT or a GRPO estimate beside its parts and speeds. */
export type TrainerEstimate = Pick<TrainEstimate, 'availableBytes' | 'fits' | 'seconds' | 'trainableParams' | 'totalTokens' | 'advice'> & {
  memory: Pick<TrainEstimate['memory'], 'totalBytes' | (typeof trainerParts)[number]>;
};

/** The box's figures: the trainer's memory parts then `moreParts` (GRPO's rollout), with the estimate's speeds. */
export function estimateFigures(t: TFunction, data: TrainerEstimate, speeds: EstimateFigures['speeds'], moreParts: EstimateFigures['parts'] = []): EstimateFigures {
  return {
    totalBytes: data.memory.totalBytes,
    availableBytes: data.availableBytes,
    fits: data.fits,
    parts: [...trainerParts.map((key) => ({ key, label: t(`training.estimate.parts.${key}`), bytes: data.memory[key] })), ...moreParts],
    seconds: data.seconds,
    speeds,
    trainableParams: data.trainableParams,
    totalTokens: data.totalTokens,
    advice: data.advice,
  };
}

export interface EstimateBoxProps {
  /** `train` or `grpo`: the box's test ids (`train-estimate`, `train-estimate-memory`, …). */
  testIdPrefix: string;
  /** null before there is anything to estimate (no model chosen). */
  status: 'loading' | 'ready' | 'error' | null;
  error: SerializedError | null;
  /** The last figures (kept while the next load). */
  figures: EstimateFigures | null;
  /** What the time shows when it is not known yet. */
  timeUnknown: string;
}

/** Memory on a meter with where it goes, time, speed, and the refusal with what to change when it will not fit. */
export function EstimateBox({ testIdPrefix, status, error, figures, timeUnknown }: EstimateBoxProps) {
  const { t, i18n } = useTranslation();
  const platform = useApp((s) => s.info?.platform ?? null);
  const locale = i18n.language;
  const data = figures;
  return (
    <div className="train-estimate" data-testid={`${testIdPrefix}-estimate`} data-status={status ?? 'idle'} data-fits={data ? String(data.fits) : undefined} aria-live="polite">
      <h4>{t('training.estimate.title')}</h4>
      {platform === 'darwin' && (
        <p className="train-note" data-testid={`${testIdPrefix}-metal-note`}>
          {t('training.estimate.metalCpu')}
        </p>
      )}
      {status === null && <p className="muted">{t('training.estimate.pickModel')}</p>}
      {status === 'error' && error && <ErrorMessage error={error} />}
      {data && (
        <>
          <div className="train-memory">
            <div className="train-memory-label">
              <span>{t('training.estimate.memory')}</span>
              <span className="eval-mono" data-testid={`${testIdPrefix}-estimate-memory`}>
                {t('training.estimate.memoryOf', { needed: formatBytes(data.totalBytes, locale), available: formatBytes(data.availableBytes, locale) })}
              </span>
            </div>
            <meter
              className={`train-meter${data.fits ? '' : ' is-over'}`}
              min={0}
              max={data.availableBytes}
              low={data.availableBytes * 0.7}
              high={data.availableBytes * 0.9}
              optimum={0}
              value={Math.min(data.totalBytes, data.availableBytes)}
              aria-label={t('training.estimate.memory')}
            />
            <details className="train-breakdown">
              <summary>{t('training.estimate.breakdown')}</summary>
              <dl className="eval-figures">
                {data.parts.map((part) => (
                  <div key={part.key}>
                    <dt>{part.label}</dt>
                    <dd>{formatBytes(part.bytes, locale)}</dd>
                  </div>
                ))}
              </dl>
            </details>
          </div>
          <dl className="eval-figures">
            <div>
              <dt>{t('training.estimate.time')}</dt>
              <dd data-testid={`${testIdPrefix}-estimate-time`}>{data.seconds === null ? timeUnknown : formatDuration(data.seconds * 1000, locale)}</dd>
            </div>
            {data.speeds.map((speed) => (
              <div key={speed.key}>
                <dt>{speed.label}</dt>
                <dd>
                  {t('training.estimate.tokensPerSecond', { rate: formatRate(speed.tokensPerSecond, locale) })}{' '}
                  <span className="muted">({t(`training.estimate.speedSource.${speed.source}`)})</span>
                </dd>
              </div>
            ))}
            <div>
              <dt>{t('training.estimate.trainable')}</dt>
              <dd>{formatInteger(data.trainableParams, locale)}</dd>
            </div>
            {data.totalTokens !== null && (
              <div>
                <dt>{t('training.estimate.totalTokens')}</dt>
                <dd>{formatInteger(data.totalTokens, locale)}</dd>
              </div>
            )}
          </dl>
          {!data.fits && (
            <div className="train-refusal" role="alert" data-testid={`${testIdPrefix}-wont-fit`}>
              <strong>{t('training.estimate.wontFit', { needed: formatBytes(data.totalBytes, locale), available: formatBytes(data.availableBytes, locale) })}</strong>
              <ul>
                {data.advice.map((advice, i) => (
                  <li key={i}>{adviceText(t, advice)}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </div>
  );
}
