import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerializedError } from '../../contract';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { noteText } from './notes';

/** The open job's panel (SFT or GRPO): its name (or "loading"), the close button, a failed load; test ids `${testIdPrefix}-detail…`. */
export function JobDetailFrame({
  testIdPrefix,
  name,
  status,
  error,
  onClose,
  children,
}: {
  testIdPrefix: string;
  /** Null while it loads. */
  name: string | null;
  /** The job's status once known, else the load's. */
  status: string;
  error: SerializedError | null;
  onClose(): void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const titleId = `${testIdPrefix}-detail-title`;
  return (
    <section className="eval-section train-detail" aria-labelledby={titleId} data-testid={`${testIdPrefix}-detail`} data-status={status}>
      <div className="eval-section-header">
        <h3 id={titleId}>{name ?? t('training.detail.loading')}</h3>
        <button type="button" className="icon-button" aria-label={t('training.detail.close')} title={t('training.detail.close')} onClick={onClose}>
          <Icon name="close" size={14} />
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {children}
    </section>
  );
}

/** A job's warnings, folded. */
export function JobWarnings({ warnings }: { warnings: readonly string[] }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <details className="train-notes is-warning">
      <summary>{t('training.preview.warnings', { count: warnings.length })}</summary>
      <ul>
        {warnings.map((w, i) => (
          <li key={i} title={w}>
            {noteText(t, w)}
          </li>
        ))}
      </ul>
    </details>
  );
}
