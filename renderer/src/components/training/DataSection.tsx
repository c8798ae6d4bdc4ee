import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { trainingStore, useConversations, useEvaluation, useTraining } from '../../stores';
import { answersOf, type SourceKind } from '../../stores/training';
import { formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { detailErrors, noteText } from './notes';

/** What the import reads: SFT JSONL (a JSON array of objects is read too). */
export const trainSetAccept = '.jsonl,.json,application/json,application/x-ndjson';

const sourceKinds: SourceKind[] = ['file', 'evalRun', 'messages'];

function FileSource() {
  const { t } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);
  const source = useTraining((s) => s.source);
  const uploading = useTraining((s) => s.uploading);
  const uploadError = useTraining((s) => s.uploadError);
  return (
    <div className="train-source-body">
      <input
        ref={inputRef}
        type="file"
        accept={trainSetAccept}
        hidden
        data-testid="train-file-input"
        aria-label={t('training.data.chooseFile')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared so choosing the same file again (after fixing it) fires a change.
          e.target.value = '';
          if (file) void trainingStore.getState().chooseFile(file);
        }}
      />
      <div className="train-row">
        <button type="button" className="button" data-testid="train-choose-file" disabled={uploading} onClick={() => inputRef.current?.click()}>
          <Icon name="file" size={14} /> {uploading ? t('training.data.uploading') : t('training.data.chooseFile')}
        </button>
        {source?.kind === 'file' ? (
          <span className="train-file-name" data-testid="train-file-name" title={source.path}>
            {source.fileName}
          </span>
        ) : (
          <span className="muted">{t('training.data.fileHint')}</span>
        )}
      </div>
      <p className="field-help">{t('training.data.format')}</p>
      {uploadError && <ErrorMessage error={uploadError} onDismiss={() => trainingStore.getState().clearSource()} />}
    </div>
  );
}

function EvalRunSource() {
  const { t } = useTranslation();
  const runs = useEvaluation((s) => s.runs);
  const source = useTraining((s) => s.source);
  const selectId = useId();
  const finished = runs.filter((r) => r.done > 0);
  const runId = source?.kind === 'evalRun' ? source.runId : '';
  const onlyCorrect = source?.kind === 'evalRun' ? source.onlyCorrect : true;
  return (
    <div className="train-source-body">
      <div className="eval-form-grid">
        <div className="eval-field eval-field-wide">
          <label className="field-label" htmlFor={selectId}>
            {t('training.data.evalRun')}
          </label>
          <select id={selectId} className="input" value={runId} data-testid="train-eval-run" onChange={(e) => trainingStore.getState().chooseEvalRun(e.target.value, onlyCorrect)}>
            <option value="">{finished.length === 0 ? t('training.data.noEvalRuns') : t('training.data.pickEvalRun')}</option>
            {finished.map((run) => (
              <option key={run.id} value={run.id}>
                {t('training.data.evalRunOption', { label: run.label, set: run.setName, done: run.done })}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label className="eval-check">
        <input type="checkbox" checked={onlyCorrect} disabled={!runId} onChange={(e) => trainingStore.getState().chooseEvalRun(runId, e.target.checked)} />
        {t('training.data.onlyCorrect')}
      </label>
      <p className="field-help">{t('training.data.evalRunHelp')}</p>
    </div>
  );
}

function MessagesSource() {
  const { t } = useTranslation();
  const list = useConversations((s) => s.list);
  const conversation = useTraining((s) => s.conversation);
  const source = useTraining((s) => s.source);
  const selectId = useId();
  const picks = source?.kind === 'messages' ? source.picks : [];
  const answers = conversation.data ? answersOf(conversation.data) : [];
  return (
    <div className="train-source-body">
      <div className="eval-form-grid">
        <div className="eval-field eval-field-wide">
          <label className="field-label" htmlFor={selectId}>
            {t('training.data.conversation')}
          </label>
          <select id={selectId} className="input" value={conversation.id ?? ''} data-testid="train-conversation" onChange={(e) => void trainingStore.getState().openConversation(e.target.value)}>
            <option value="">{list.length === 0 ? t('training.data.noConversations') : t('training.data.pickConversation')}</option>
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title || t('sidebar.untitled')}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="field-help">{t('training.data.messagesHelp')}</p>
      {conversation.status === 'error' && conversation.error && <ErrorMessage error={conversation.error} />}
      {conversation.status === 'ready' && conversation.data && answers.length === 0 && <p className="muted">{t('training.data.noAnswers')}</p>}
      {answers.length > 0 && (
        <ul className="train-answers" aria-label={t('training.data.answers')}>
          {answers.map((answer) => {
            const pick = picks.find((p) => p.messageId === answer.messageId);
            return (
              <li key={answer.messageId} className={`train-answer${pick ? ' is-picked' : ''}`} data-testid="train-answer">
                <label className="eval-check">
                  <input type="checkbox" checked={Boolean(pick)} onChange={() => trainingStore.getState().togglePick(answer.messageId)} />
                  <span className="train-answer-text">
                    <span className="train-answer-question">{answer.question}</span>
                    <span className="muted eval-sub">{answer.answer}</span>
                  </span>
                </label>
                {pick && (
                  <input
                    className="input"
                    value={pick.corrected}
                    placeholder={t('training.data.correctionPlaceholder')}
                    aria-label={t('training.data.correction', { question: answer.question.slice(0, 60) })}
                    onChange={(e) => trainingStore.getState().correctPick(answer.messageId, e.target.value)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function NoteList({ notes, kind, testId }: { notes: readonly string[]; kind: 'error' | 'warning'; testId: string }) {
  const { t } = useTranslation();
  if (notes.length === 0) return null;
  return (
    <details className={`train-notes is-${kind}`} open={kind === 'error'} data-testid={testId}>
      <summary>{kind === 'error' ? t('training.preview.errors', { count: notes.length }) : t('training.preview.warnings', { count: notes.length })}</summary>
      <ul>
        {notes.map((note, i) => (
          <li key={i} title={note}>
            {noteText(t, note)}
          </li>
        ))}
      </ul>
    </details>
  );
}

function Preview() {
  const { t, i18n } = useTranslation();
  const preview = useTraining((s) => s.preview);
  const locale = i18n.language;
  if (!preview) return null;
  if (preview.status === 'loading') {
    return (
      <p className="muted" data-testid="train-preview" data-status="loading" role="status">
        {t('training.preview.loading')}
      </p>
    );
  }
  if (preview.status === 'error' && preview.error) {
    const lines = detailErrors(preview.error.details);
    return (
      <div className="train-preview" data-testid="train-preview" data-status="error">
        <ErrorMessage error={preview.error} />
        <NoteList notes={lines} kind="error" testId="train-preview-errors" />
      </div>
    );
  }
  const data = preview.data;
  if (!data) return null;
  return (
    <div className="train-preview" data-testid="train-preview" data-status="ready">
      <dl className="eval-figures train-figures">
        <div>
          <dt>{t('training.preview.items')}</dt>
          <dd data-testid="train-preview-items">{formatInteger(data.items, locale)}</dd>
        </div>
        <div>
          <dt>{t('training.preview.usable')}</dt>
          <dd data-testid="train-preview-usable">{formatInteger(data.usable, locale)}</dd>
        </div>
        <div>
          <dt>{t('training.preview.tooLong')}</dt>
          <dd data-testid="train-preview-too-long" className={data.tooLong > 0 ? 'train-warn' : undefined}>
            {formatInteger(data.tooLong, locale)}
          </dd>
        </div>
        <div>
          <dt>{t('training.preview.tokens')}</dt>
          <dd data-testid="train-preview-tokens">{formatInteger(data.tokens, locale)}</dd>
        </div>
        <div>
          <dt>{t('training.preview.maxTokens')}</dt>
          <dd>{t('training.preview.ofContext', { tokens: formatInteger(data.maxTokens, locale), limit: formatInteger(data.contextLength, locale) })}</dd>
        </div>
      </dl>
      <NoteList notes={data.errors} kind="error" testId="train-preview-errors" />
      <NoteList notes={data.warnings} kind="warning" testId="train-preview-warnings" />
      {data.preview.length > 0 && (
        <div className="eval-table-scroll">
          <table className="data-table train-preview-table" aria-label={t('training.preview.tableLabel')}>
            <thead>
              <tr>
                <th className="num">{t('training.preview.line')}</th>
                <th>{t('training.preview.question')}</th>
                <th className="num">{t('training.preview.promptTokens')}</th>
                <th className="num">{t('training.preview.responseTokens')}</th>
                <th>{t('training.preview.fits')}</th>
              </tr>
            </thead>
            <tbody>
              {data.preview.map((item) => (
                <tr key={item.line} data-testid="train-preview-item" data-fits={item.fits}>
                  <td className="num">{item.line}</td>
                  <td>
                    <details>
                      <summary className="eval-question eval-clamp">{item.question}</summary>
                      <pre className="eval-pre">{item.response}</pre>
                    </details>
                  </td>
                  <td className="num">{formatInteger(item.promptTokens, locale)}</td>
                  <td className="num">{formatInteger(item.responseTokens, locale)}</td>
                  <td>
                    {item.fits ? (
                      <span className="badge eval-status status-complete">{t('training.preview.fitsYes')}</span>
                    ) : (
                      <span className="badge eval-status status-failed" title={t('training.preview.fitsNoHelp')}>
                        {t('training.preview.fitsNo')}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.items > data.preview.length && <p className="field-help">{t('training.preview.more', { shown: data.preview.length, total: data.items })}</p>}
        </div>
      )}
    </div>
  );
}

/** The training set: where the examples come from, and the preview of what will be trained on. */
export function DataSection() {
  const { t } = useTranslation();
  const kind = useTraining((s) => s.sourceKind);
  const groupLabel = t('training.data.source');
  return (
    <section className="eval-section" aria-labelledby="train-data-title" data-testid="train-data">
      <div className="eval-section-header">
        <h3 id="train-data-title">{t('training.data.title')}</h3>
      </div>
      <div className="train-tabs" role="radiogroup" aria-label={groupLabel}>
        {sourceKinds.map((k) => (
          <label key={k} className={`train-tab${kind === k ? ' is-active' : ''}`}>
            <input type="radio" name="train-source" checked={kind === k} onChange={() => trainingStore.getState().setSourceKind(k)} />
            {t(`training.data.kinds.${k}`)}
          </label>
        ))}
      </div>
      {kind === 'file' && <FileSource />}
      {kind === 'evalRun' && <EvalRunSource />}
      {kind === 'messages' && <MessagesSource />}
      <Preview />
    </section>
  );
}
