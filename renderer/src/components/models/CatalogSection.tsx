import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogEntryWithFit } from '../../contract';
import { downloadsStore, modelsStore, useDownloads, useModels, useSettings } from '../../stores';
import { downloadPhase, type DownloadsState } from '../../stores/downloads';
import { formatBytes, formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { DownloadControls } from './DownloadControls';
import { fitBadge, offlineCodes } from './fitText';

const contextSizes = [2048, 4096, 8192, 16384, 32768, 65536, 131072];
const sha256Pattern = /^[0-9a-fA-F]{64}$/;

/** Asks before an unverified download: a pasted SHA-256, or an explicit "download unverified". */
function UnverifiedPrompt({ url, onDone }: { url: string; onDone(): void }) {
  const { t } = useTranslation();
  const [hash, setHash] = useState('');
  const valid = sha256Pattern.test(hash.trim());
  return (
    <div className="unverified-prompt" role="group" data-testid="download-unverified">
      <p className="warning-text">{t('models.download.unverifiedText')}</p>
      <div className="inline-field">
        <input
          className="input input-mono"
          data-testid="download-sha256"
          value={hash}
          placeholder={t('models.download.sha256Placeholder')}
          aria-label={t('models.download.sha256Label')}
          aria-invalid={hash.trim() !== '' && !valid ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setHash(e.target.value)}
        />
        <button
          type="button"
          className="button button-small button-primary"
          data-testid="download-with-sha256"
          disabled={!valid}
          onClick={() => {
            onDone();
            void downloadsStore.getState().start(url, { sha256: hash.trim() });
          }}
        >
          {t('models.download.withHash')}
        </button>
      </div>
      {hash.trim() !== '' && !valid && <div className="field-error">{t('models.download.sha256Invalid')}</div>}
      <div className="inline-actions">
        <button
          type="button"
          className="button button-small button-danger"
          data-testid="download-confirm-unverified"
          onClick={() => {
            onDone();
            void downloadsStore.getState().start(url, { allowUnverified: true });
          }}
        >
          {t('models.download.confirmUnverified')}
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            onDone();
            downloadsStore.getState().dismiss(url);
          }}
        >
          {t('models.download.back')}
        </button>
      </div>
    </div>
  );
}

function CatalogItem({ entry }: { entry: CatalogEntryWithFit }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const phase = useDownloads((s: DownloadsState) => downloadPhase(s, entry.downloadUrl));
  const selecting = useModels((s) => s.selecting);
  const [asking, setAsking] = useState(false);
  const badge = fitBadge(entry.fit);

  const download = () => {
    if (!entry.sha256) setAsking(true);
    else void downloadsStore.getState().start(entry.downloadUrl);
  };

  return (
    <li className="catalog-item" data-testid="catalog-item" data-id={entry.id} data-fit={entry.fit.verdict}>
      <div className="catalog-head">
        <div className="catalog-title">
          <strong className="catalog-name">{entry.name}</strong>
          <span className="chip">{entry.quantization}</span>
          <span className="chip">{t(`models.catalog.kind.${entry.kind}`)}</span>
          {!entry.verified && <span className="chip warning-text" title={t('models.catalog.unverifiedTooltip')}>{t('models.catalog.unverified')}</span>}
        </div>
        <span className={`badge fit-badge fit-${badge.tone}`} data-testid="fit-badge" title={entry.fit.summary}>
          {t(badge.key, badge.values)}
        </span>
      </div>
      <dl className="catalog-facts">
        <div>
          <dt>{t('models.columns.size')}</dt>
          <dd>{entry.sizeBytes !== null ? formatBytes(entry.sizeBytes, locale) : t('models.catalog.sizeApprox', { size: formatBytes(entry.fit.ramBytes + entry.fit.vramBytes, locale) })}</dd>
        </div>
        <div>
          <dt>{t('models.columns.context')}</dt>
          <dd>{formatInteger(entry.contextLength, locale)}</dd>
        </div>
        <div>
          <dt>{t('models.catalog.licence')}</dt>
          <dd>{entry.licence}</dd>
        </div>
        <div>
          <dt>{t('models.catalog.source')}</dt>
          <dd>
            <a href={entry.sourcePage} target="_blank" rel="noopener noreferrer" data-testid="catalog-source">
              {t('models.catalog.sourceLink')}
            </a>
          </dd>
        </div>
      </dl>
      <p className="muted catalog-fit-note">
        {t('models.catalog.fitAssumes', { size: formatInteger(entry.fit.contextSize, locale) })}
        {entry.fit.approximate && ` ${t('models.catalog.fitApproximate')}`}
      </p>
      <div className="catalog-actions">
        {entry.localPath ? (
          <>
            <span className="badge badge-ok">{t('models.catalog.downloaded')}</span>
            <button type="button" className="button button-small" data-testid="catalog-use" disabled={selecting !== null} onClick={() => void modelsStore.getState().select(entry.localPath!)}>
              {t('models.use')}
            </button>
          </>
        ) : (
          phase === 'idle' &&
          !asking && (
            <button type="button" className="button button-small button-primary" data-testid="catalog-download" onClick={download}>
              {t('models.catalog.download')}
            </button>
          )
        )}
      </div>
      {(asking || phase === 'needs-confirmation') && <UnverifiedPrompt url={entry.downloadUrl} onDone={() => setAsking(false)} />}
      {!entry.localPath && <DownloadControls url={entry.downloadUrl} />}
    </li>
  );
}

/** The downloadable models with how each would run here, and their downloads. */
export function CatalogSection() {
  const { t, i18n } = useTranslation();
  const catalog = useModels((s) => s.catalog);
  const status = useModels((s) => s.catalogStatus);
  const error = useModels((s) => s.catalogError);
  const chosen = useModels((s) => s.catalogContextSize);
  const loadContext = useSettings((s) => s.settings?.load.contextSize ?? null);
  const offline = useDownloads((s) => Object.values(s.errors).some((e) => offlineCodes.includes(e.code)) || s.jobs.some((j) => j.error !== null && offlineCodes.includes(j.error.code)));
  const jobs = useDownloads((s) => s.jobs);
  const catalogUrls = new Set(catalog.map((e) => e.downloadUrl));
  const others = jobs.filter((j) => !catalogUrls.has(j.url) && j.state !== 'completed' && j.state !== 'cancelled');
  const contextSize = chosen ?? loadContext;
  const sizes = contextSize && !contextSizes.includes(contextSize) ? [...contextSizes, contextSize].sort((a, b) => a - b) : contextSizes;

  useEffect(() => {
    void modelsStore.getState().loadCatalog();
    void downloadsStore.getState().refresh();
  }, [loadContext]);

  return (
    <section className="catalog-section" data-testid="catalog">
      <div className="section-header">
        <h3>{t('models.catalog.title')}</h3>
        <label className="catalog-context">
          <span className="muted">{t('models.catalog.contextLabel')}</span>
          <select
            className="input"
            data-testid="catalog-context"
            value={contextSize ?? ''}
            onChange={(e) => void modelsStore.getState().loadCatalog(Number(e.target.value) === loadContext ? null : Number(e.target.value))}
          >
            {sizes.map((size) => (
              <option key={size} value={size}>
                {formatInteger(size, i18n.language)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted">{t('models.catalog.intro')}</p>
      {offline && (
        <p className="offline-note warning-text" role="status" data-testid="catalog-offline">
          {t('models.catalog.offline')}
        </p>
      )}
      {status === 'error' && error && <ErrorMessage error={error} />}
      {status === 'loading' && catalog.length === 0 && <p className="muted">{t('app.loading')}</p>}
      <ul className="catalog-list">
        {catalog.map((entry) => (
          <CatalogItem key={entry.id} entry={entry} />
        ))}
      </ul>
      {others.length > 0 && (
        <>
          <h4>{t('models.download.others')}</h4>
          <ul className="catalog-list">
            {others.map((job) => (
              <li key={job.id} className="catalog-item" data-testid="download-job">
                <code className="path">{job.path}</code>
                <DownloadControls url={job.url} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
