import { memo, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageRecord } from '../../contract';
import { useConversations } from '../../stores';
import { errorText } from '../../i18n';
import { formatDuration } from '../../lib/format';
import { ReasoningPanel } from './ReasoningPanel';
import { AnswerText } from './AnswerText';
import { MessageStats } from './MessageStats';

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

/** The answer being generated: the only component that re-renders as deltas arrive (once a frame at most). */
function LiveAssistantMessage({ message }: { message: MessageRecord }) {
  const { t, i18n } = useTranslation();
  const live = useConversations((s) => (s.live?.messageId === message.id ? s.live : null));
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

  return (
    <article className="message message-assistant is-live" data-testid="message-assistant" data-status="streaming" data-message-id={message.id}>
      <div className="message-role">{t('chat.assistant')}</div>
      {live.firstDeltaAt === null && !live.startInReasoning && <div className="waiting">{live.stopping ? t('chat.stopping') : t('chat.waiting')}</div>}
      {hasReasoning && <ReasoningPanel text={live.reasoning} blocks={live.reasoningBlocks} streaming thinking={thinking} summary={summary} />}
      {(answering || live.answer) && <AnswerText text={live.answer} streaming />}
      <div className="message-stats is-live" data-testid="message-stats">
        {t('chat.stats.tokens', { count: live.completionTokens })} · {formatDuration(now - live.startedAt, i18n.language)}
        {live.stopping && ` · ${t('chat.stopping')}`}
      </div>
    </article>
  );
}

function FinishedAssistantMessage({ message }: { message: MessageRecord }) {
  const { t, i18n } = useTranslation();
  const measure = useConversations((s) => s.measures[message.id]);
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
    <article className="message message-assistant" data-testid="message-assistant" data-status={message.status} data-message-id={message.id}>
      <div className="message-role">{t('chat.assistant')}</div>
      {message.reasoning && <ReasoningPanel text={message.reasoning} streaming={false} thinking={false} summary={summary} />}
      {message.answer ? (
        <AnswerText text={message.answer} />
      ) : message.status === 'complete' ? (
        <div className="answer-text is-empty" data-testid="answer-text">
          {t('chat.emptyAnswer')}
        </div>
      ) : streamingElsewhere ? (
        <div className="waiting">{t('chat.messageStatus.streaming')}</div>
      ) : null}
      <StatusBadge message={message} />
      <MessageStats message={message} />
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
