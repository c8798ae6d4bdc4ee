import { useTranslation } from 'react-i18next';
import { useApp } from '../../stores';
import { errorText } from '../../i18n';

export function Notices() {
  const { t } = useTranslation();
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismissNotice);
  const connection = useApp((s) => s.connection);
  const connectionKey =
    connection === 'reconnecting' ? 'status.connection.reconnecting' : connection === 'closed' ? 'status.connection.closed' : null;
  if (notices.length === 0 && !connectionKey) return null;
  return (
    <div className="notices" aria-live="polite">
      {connectionKey && (
        <div className="notice notice-warning" data-testid="connection-notice">
          <span>{t(connectionKey)}</span>
        </div>
      )}
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.kind}`} data-testid="notice" role="status">
          <span>
            {t(notice.messageKey, notice.params ?? {})}
            {notice.error && <span className="notice-detail"> {errorText(t, notice.error)}</span>}
          </span>
          <button type="button" className="icon-button" onClick={() => dismiss(notice.id)} aria-label={t('notices.dismiss')} title={t('notices.dismiss')}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
