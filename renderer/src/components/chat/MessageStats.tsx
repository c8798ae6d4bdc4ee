import { useTranslation } from 'react-i18next';
import type { MessageRecord } from '../../contract';
import { formatDuration, formatRate, baseName } from '../../lib/format';

/** model · tokens · tok/s · TTFT · duration */
export function MessageStats({ message }: { message: MessageRecord }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const parts: string[] = [];
  const model = message.modelName || (message.modelPath ? baseName(message.modelPath) : null);
  if (model) parts.push(model);
  if (message.completionTokens !== undefined) parts.push(t('chat.stats.tokens', { count: message.completionTokens }));
  if (message.tokensPerSecond !== undefined && message.tokensPerSecond !== null) parts.push(t('chat.stats.tokensPerSecond', { rate: formatRate(message.tokensPerSecond, locale) }));
  if (message.ttftMs !== undefined && message.ttftMs !== null) parts.push(t('chat.stats.ttft', { duration: formatDuration(message.ttftMs, locale) }));
  if (message.durationMs !== undefined && message.durationMs !== null) parts.push(formatDuration(message.durationMs, locale));
  if (message.backend) parts.push(message.backend);
  if (parts.length === 0) return null;
  const title = message.promptTokens !== undefined ? t('chat.stats.prompt', { count: message.promptTokens }) : undefined;
  return (
    <div className="message-stats" data-testid="message-stats" title={title}>
      {parts.join(' · ')}
    </div>
  );
}
