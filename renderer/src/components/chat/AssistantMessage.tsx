import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageRecord } from '../../contract';
import { inspectorStore, useConversations, useInspector } from '../../stores';
import { useSeen } from '../../lib/useSeen';
import { InspectorPanel } from '../inspector/InspectorPanel';
import { InspectorBadge, InspectorToggle } from '../inspector/InspectorBadge';
import { RegenerateMenu } from './RegenerateMenu';
import { errorText } from '../../i18n';
import { formatDuration } from '../../lib/format';
import { ReasoningPanel } from './ReasoningPanel';
import { AnswerText } from './AnswerText';
import { MessageStats } from './MessageStats';
import { CitationList } from './CitationList';
import { openCitation } from './citationActions';

function StatusBadge({ message }: { message: MessageRecord }) {
  const { t } = useTranslation();
  if (message.status === 'complete' || message.status === 'streaming') return null;
  const hint =
    message.status === 'error'
      ? errorText(t, { code: message.errorCode ?? 'INTERNAL' })
      : message.status === 'interrupted'
        ? t('chat.interruptedHint')
        : t('chat.stoppedHint');
  return (
    <div className={`message-status status-${message.status}`} data-testid="message-status" role={message.status === 'error' ? 'alert' : undefined}>
      <span className="badge">{t(`chat.messageStatus.${message.status}`)}</span>
      <span className="message-status-hint">{hint}</span>
      {message.status === 'error' && message.errorMessage && <span className="message-status-detail" title={message.errorMessage}>{message.errorMessage}</span>}
    </div>
  );
}

/** Whether the inspector is open for a message (kept in the store: it survives the live → saved switch). */
function useInspectorOpen(messageId: string): [boolean, (open: boolean) => void] {
  const open = useInspector((s) => s.open[messageId] ?? false);
  return [open, (value) => inspectorStore.getState().setOpen(messageId, value)];
}

function MessageHeader({ errors, onOpenInspector }: { errors: number; onOpenInspector: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="message-header">
      <div className="message-role">{t('chat.assistant')}</div>
      <InspectorBadge errors={errors} onOpen={onOpenInspector} />
    </div>
  );
}

/** The answer being generated: the only component that re-renders as deltas arrive (once a frame at most). */
function LiveAssistantMessage({ message }: { message: MessageRecord }) {
  const { t, i18n } = useTranslation();
  const live = useConversations((s) => (s.live?.messageId === message.id ? s.live : null));
  const [inspecting, setInspecting] = useInspectorOpen(message.id);
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(timer);
  }, []);
  if (!live) return null;

  const answering = live.answerStartedAt !== null;
  const hasReasoning = live.reasoning.length > 0 || (live.startInReasoning && !answering);
  const thinking = !answering && (live.reasoning.length > 0 || live.startInReasoning);
  const elapsed = (live.answerStartedAt ?? now) - live.startedAt;
  const reasoningTokens = live.reasoningTokens ?? live.completionTokens;
  const duration = formatDuration(elapsed, i18n.language);
  const summary = reasoningTokens > 0 ? `${t('chat.reasoningTokens', { count: reasoningTokens })} · ${duration}` : duration;

  const errors = live.inspection?.errors ?? 0;
  return (
    <article className="message message-assistant is-live" data-testid="message-assistant" data-status="streaming" data-message-id={message.id}>
      <MessageHeader errors={errors} onOpenInspector={() => setInspecting(true)} />
      {live.firstDeltaAt === null && !live.startInReasoning && <div className="waiting">{live.stopping ? t('chat.stopping') : t('chat.waiting')}</div>}
      {hasReasoning && (
        <ReasoningPanel
          text={live.reasoning}
          blocks={live.reasoningBlocks}
          streaming
          thinking={thinking}
          summary={summary}
          actions={<InspectorToggle open={inspecting} errors={errors} onToggle={() => setInspecting(!inspecting)} />}
        />
      )}
      {hasReasoning && inspecting && <InspectorPanel result={live.inspection} question={live.question} streaming messageId={message.id} />}
      {(answering || live.answer) && <AnswerText text={live.answer} streaming citations={message.citations} onCite={openCitation} />}
      {(message.citations?.length ?? 0) > 0 && <CitationList citations={message.citations} answer={live.answer} onOpen={openCitation} />}
      <div className="message-stats is-live" data-testid="message-stats">
        {t('chat.stats.tokens', { count: live.completionTokens })} · {formatDuration(now - live.startedAt, i18n.language)}
        {live.stopping && ` · ${t('chat.stopping')}`}
      </div>
    </article>
  );
}

/** A saved answer's check: fetched once the message is near the viewport (for the header badge) or inspected. */
function useSavedCheck(message: MessageRecord, wanted: boolean) {
  const entry = useInspector((s) => s.checks[message.id]);
  const hasReasoning = message.reasoning.length > 0;
  useEffect(() => {
    if (wanted && hasReasoning) void inspectorStore.getState().ensureCheck(message);
  }, [wanted, hasReasoning, message]);
  return entry;
}

function FinishedAssistantMessage({ message }: { message: MessageRecord }) {
  const { t, i18n } = useTranslation();
  const measure = useConversations((s) => s.measures[message.id]);
  const articleRef = useRef<HTMLElement>(null);
  const seen = useSeen(articleRef);
  const [inspecting, setInspecting] = useInspectorOpen(message.id);
  const check = useSavedCheck(message, seen || inspecting);
  const errors = check?.data?.result.errors ?? 0;
  const locale = i18n.language;
  let summary = '';
  if (message.reasoning) {
    const total = message.reasoning.length + message.answer.length;
    const tokens =
      measure?.tokens ?? (message.completionTokens && total > 0 ? Math.round((message.completionTokens * message.reasoning.length) / total) : null);
    const parts: string[] = [];
    if (tokens !== null)
      parts.push(
        measure?.tokens != null
          ? t('chat.reasoningTokens', { count: tokens })
          : t('chat.reasoningTokensApprox', { count: tokens }),
      );
    if (measure?.durationMs != null) parts.push(formatDuration(measure.durationMs, locale));
    summary = parts.join(' · ');
  }
  const streamingElsewhere = message.status === 'streaming';
  return (
    <article ref={articleRef} className="message message-assistant" data-testid="message-assistant" data-status={message.status} data-message-id={message.id}>
      <MessageHeader errors={errors} onOpenInspector={() => setInspecting(true)} />
      {message.reasoning && (
        <ReasoningPanel
          text={message.reasoning}
          streaming={false}
          thinking={false}
          summary={summary}
          actions={<InspectorToggle open={inspecting} errors={errors} onToggle={() => setInspecting(!inspecting)} />}
        />
      )}
      {message.reasoning && inspecting && (
        <InspectorPanel
          result={check?.data?.result ?? null}
          question={check?.data?.input.question ?? ''}
          streaming={false}
          messageId={message.id}
          error={check?.status === 'error' ? check.error : null}
          onRetry={() => void inspectorStore.getState().ensureCheck(message, true)}
        />
      )}
      {message.answer ? (
        <AnswerText text={message.answer} citations={message.citations} onCite={openCitation} />
      ) : message.status === 'complete' ? (
        <div className="answer-text is-empty" data-testid="answer-text">
          {t('chat.emptyAnswer')}
        </div>
      ) : streamingElsewhere ? (
        <div className="waiting">{t('chat.messageStatus.streaming')}</div>
      ) : null}
      {(message.citations?.length ?? 0) > 0 && <CitationList citations={message.citations} answer={message.answer} onOpen={openCitation} />}
      <StatusBadge message={message} />
      <div className="message-footer">
        <MessageStats message={message} />
        {!streamingElsewhere && <RegenerateMenu message={message} />}
      </div>
    </article>
  );
}

export const AssistantMessage = memo(function AssistantMessage({ message }: { message: MessageRecord }) {
  const isLive = useConversations((s) => s.live?.messageId === message.id);
  return isLive ? <LiveAssistantMessage message={message} /> : <FinishedAssistantMessage message={message} />;
});

export const UserMessage = memo(function UserMessage({ message }: { message: MessageRecord }) {
  const { t } = useTranslation();
  return (
    <article className="message message-user" data-testid="message-user" data-message-id={message.id}>
      <div className="message-role">{t('chat.you')}</div>
      <div className="user-text">{message.content}</div>
    </article>
  );
});
