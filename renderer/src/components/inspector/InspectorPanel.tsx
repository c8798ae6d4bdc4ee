import { memo, useId, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerializedError, TraceCheckResult } from '../../contract';
import { inspectorStore, useInspector, useLibrary } from '../../stores';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { createHoverStore, InspectorContext, useHover, type InspectorContextValue } from './inspectorContext';
import { InspectorSummary } from './InspectorSummary';
import { QuestionView } from './QuestionView';
import { TraceOutline, type OutlineHandle } from './TraceOutline';
import { libraryDocumentName, sourceText } from './sourceText';

/** Says where the hovered/focused number came from (the numbers point here with aria-describedby). */
function SourceNote({ id, question }: { id: string; question: string }) {
  const { t } = useTranslation();
  const active = useHover((s) => s.active);
  const documents = useLibrary((s) => s.documents);
  const text = active ? sourceText(t, active.target, question, active.stepIndex, libraryDocumentName(documents)) : t('inspector.source.hint');
  const kind = active ? active.target.kind : 'hint';
  return (
    <div id={id} className={`source-note kind-${kind}`} data-testid="source-note" data-kind={kind} aria-live="polite">
      {text}
    </div>
  );
}

function ExportButtons({ messageId }: { messageId: string }) {
  const { t, i18n } = useTranslation();
  const exporting = useInspector((s) => (s.exporting?.startsWith(`${messageId}:`) ? s.exporting.slice(messageId.length + 1) : null));
  const error = useInspector((s) => (s.exportError?.messageId === messageId ? s.exportError.error : null));
  const locale = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  const run = (format: 'markdown' | 'json') => void inspectorStore.getState().exportTrace(messageId, format, locale);
  return (
    <div className="inspector-actions">
      <button type="button" className="button button-small" data-testid="export-markdown" disabled={exporting !== null} onClick={() => run('markdown')}>
        <Icon name="download" size={13} />
        {exporting === 'markdown' ? t('inspector.export.exporting') : t('inspector.export.markdown')}
      </button>
      <button type="button" className="button button-small" data-testid="export-json" disabled={exporting !== null} onClick={() => run('json')}>
        <Icon name="download" size={13} />
        {exporting === 'json' ? t('inspector.export.exporting') : t('inspector.export.json')}
      </button>
      {error && <ErrorMessage error={error} onDismiss={() => inspectorStore.getState().dismissExportError()} className="inspector-export-error" />}
    </div>
  );
}

interface Props {
  /** The checked trace; null while the first check runs. */
  result: TraceCheckResult | null;
  question: string;
  /** Live: the answer is still being written (no export yet). */
  streaming: boolean;
  messageId: string;
  /** A saved answer's check that failed. */
  error?: SerializedError | null;
  onRetry?: () => void;
  /** Whether the review-file export (a saved chat message's) is offered; false for traces that are not messages. Defaults to true. */
  exportable?: boolean;
}

/** The reasoning inspector for one answer: summary, the question, and the outline of checked steps. */
export const InspectorPanel = memo(function InspectorPanel({ result, question, streaming, messageId, error, onRetry, exportable = true }: Props) {
  const { t } = useTranslation();
  const noteId = useId();
  const outline = useRef<OutlineHandle>(null);
  const context = useMemo<InspectorContextValue>(() => {
    const hover = createHoverStore();
    const flashTimer: { id?: ReturnType<typeof setTimeout> } = {};
    return {
      hover,
      noteId,
      scrollToStep(stepIndex) {
        if (!outline.current?.reveal(stepIndex)) return;
        hover.getState().setFlash(stepIndex);
        clearTimeout(flashTimer.id);
        flashTimer.id = setTimeout(() => hover.getState().setFlash(null), 1600);
      },
    };
  }, [noteId]);

  let body;
  if (error && !result) {
    body = (
      <div className="inspector-message">
        <p>{t('inspector.loadFailed')}</p>
        <ErrorMessage error={error} />
        {onRetry && (
          <button type="button" className="button button-small" onClick={onRetry}>
            {t('inspector.retry')}
          </button>
        )}
      </div>
    );
  } else if (!result) {
    body = <p className="inspector-message muted">{t('inspector.checking')}</p>;
  } else {
    body = (
      <>
        <InspectorSummary result={result} />
        {question && <QuestionView question={question} />}
        <SourceNote id={noteId} question={question} />
        {result.steps.length > 0 ? (
          <TraceOutline result={result} question={question} label={t('inspector.outline')} handle={outline} />
        ) : (
          <p className="inspector-message muted">{t('inspector.noSteps')}</p>
        )}
      </>
    );
  }

  return (
    <InspectorContext.Provider value={context}>
      <section className={`inspector-panel${streaming ? ' is-live' : ''}`} data-testid="inspector-panel" data-live={streaming} aria-label={t('inspector.title')}>
        {streaming && <div className="inspector-live">{t('inspector.live')}</div>}
        {body}
        {!streaming && result && exportable && <ExportButtons messageId={messageId} />}
      </section>
    </InspectorContext.Provider>
  );
});
