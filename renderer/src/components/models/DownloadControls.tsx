import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { downloadsStore, useDownloads } from '../../stores';
import { downloadErrorOf, downloadPhase, downloadProgressOf } from '../../stores/downloads';
import { downloadPercent, formatEta, formatSpeed } from '../../lib/downloadFormat';
import { formatBytes } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';

/** Progress, pause / resume and cancel (with confirmation) for one download URL; nothing while idle. */
export function DownloadControls({ url }: { url: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const phase = useDownloads((s) => downloadPhase(s, url));
  // Both build a new object per call: compared field by field, or every store update would re-render.
  const progress = useDownloads(useShallow((s) => downloadProgressOf(s, url)));
  const error = useDownloads(useShallow((s) => downloadErrorOf(s, url)));
  const [confirmCancel, setConfirmCancel] = useState(false);
  if (phase === 'idle' || phase === 'completed' || phase === 'needs-confirmation') return null;

  const running = phase === 'starting' || phase === 'downloading' || phase === 'verifying' || phase === 'pausing';
  const percent = progress ? downloadPercent(progress.bytes, progress.total) : null;
  const store = downloadsStore.getState();

  return (
    <div className="download-controls" data-testid="download-controls" data-phase={phase}>
      <div className="download-progress" data-testid="download-progress" data-phase={phase}>
        <progress className="progress download-bar" max={100} value={percent ?? undefined} aria-label={t('models.download.progressLabel')} />
        <span className="download-stats">
          {t(`models.download.phase.${phase}`)}
          {progress && (
            <>
              {' · '}
              {progress.total ? t('models.download.bytesOf', { done: formatBytes(progress.bytes, locale), total: formatBytes(progress.total, locale) }) : formatBytes(progress.bytes, locale)}
              {percent !== null && ` (${percent.toLocaleString(locale)} %)`}
            </>
          )}
          {phase === 'downloading' && progress?.bytesPerSecond ? (
            <>
              {' · '}
              <span data-testid="download-speed">{formatSpeed(progress.bytesPerSecond, locale)}</span>
              {' · '}
              <span data-testid="download-eta">{t('models.download.eta', { time: formatEta(progress.etaSeconds) })}</span>
            </>
          ) : null}
        </span>
      </div>
      <div className="download-actions">
        {running ? (
          <button type="button" className="button button-small" data-testid="download-pause" disabled={phase === 'pausing' || phase === 'verifying'} onClick={() => void store.pause(url)}>
            {t('models.download.pause')}
          </button>
        ) : (
          <button type="button" className="button button-small button-primary" data-testid="download-resume" onClick={() => void store.resume(url)}>
            {phase === 'failed' ? t('models.download.retry') : t('models.download.resume')}
          </button>
        )}
        {confirmCancel ? (
          <InlineConfirm
            message={t('models.download.cancelConfirmText')}
            mutedMessage={false}
            confirmLabel={t('models.download.cancelConfirm')}
            cancelLabel={t('models.download.keep')}
            confirmTestId="download-cancel-confirm"
            onConfirm={() => void store.cancel(url)}
            onClose={() => setConfirmCancel(false)}
          />
        ) : (
          <button type="button" className="button button-small" data-testid="download-cancel" onClick={() => setConfirmCancel(true)}>
            {t('models.download.cancel')}
          </button>
        )}
      </div>
      {error && phase === 'failed' && <ErrorMessage error={error} onDismiss={() => store.dismiss(url)} />}
    </div>
  );
}
