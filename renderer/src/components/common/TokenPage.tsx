import { useTranslation } from 'react-i18next';

/** Shown in a browser opened without the access link (or with a token the server refused). */
export function TokenPage({ reason }: { reason: 'missing' | 'expired' }) {
  const { t } = useTranslation();
  return (
    <main className="token-page" data-testid="token-page" data-reason={reason}>
      <div className="token-card">
        <div className="brand brand-large">{t('app.name')}</div>
        <h1>{reason === 'missing' ? t('token.title') : t('token.expiredTitle')}</h1>
        {reason === 'missing' ? (
          <>
            <p>{t('token.body')}</p>
            <pre className="code-line">{t('token.example')}</pre>
            <p className="muted">{t('token.howTo')}</p>
          </>
        ) : (
          <p>{t('token.expiredBody')}</p>
        )}
      </div>
    </main>
  );
}
