import { useTranslation } from 'react-i18next';
import type { SerializedError } from '../../contract';
import { errorText } from '../../i18n';

/** A translated error (by code) with the server's own message as a detail, e.g. the path it could not open. */
export function ErrorMessage({ error, onDismiss, className }: { error: SerializedError; onDismiss?: () => void; className?: string }) {
  const { t } = useTranslation();
  const text = errorText(t, error);
  const detail = error.message && error.message !== text ? error.message : null;
  return (
    <div className={`error-message ${className ?? ''}`} role="alert" data-testid="error-message" data-code={error.code}>
      <div className="error-message-body">
        <span className="error-message-text">{text}</span>
        {detail && (
          <details className="error-message-detail">
            <summary>{t('errors.details')}</summary>
            <span>{detail}</span>
          </details>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label={t('chat.dismiss')} title={t('chat.dismiss')}>
          ×
        </button>
      )}
    </div>
  );
}
