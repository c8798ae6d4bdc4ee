import { memo, useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageRecord } from '../../contract';
import { inspectorStore, useConversations, useInspector } from '../../stores';
import { Icon } from '../common/Icon';
import { comparePair } from '../../lib/alternatives';
import { AssistantMessage } from './AssistantMessage';

/** A red dot on the tab of an answer whose reasoning has wrong calculations (checked even while not shown). */
function TabErrorDot({ message, live }: { message: MessageRecord; live: boolean }) {
  const { t } = useTranslation();
  const errors = useInspector((s) => s.checks[message.id]?.data?.result.errors ?? 0);
  const checkable = !live && message.status !== 'streaming' && message.reasoning.length > 0;
  useEffect(() => {
    if (checkable) void inspectorStore.getState().ensureCheck(message);
  }, [checkable, message]);
  return errors > 0 ? <span className="tab-error-dot" data-testid="tab-error-dot" role="img" aria-label={t('inspector.badge', { count: errors })} /> : null;
}

/**
 * An answer and its regenerated alternatives as tabs ("Answer 1 · 2 · 3"), with Compare. The original is shown
 * first (the conversation goes on from it); a new alternative is shown as soon as it starts.
 */
export const AnswerGroup = memo(function AnswerGroup({ answers }: { answers: MessageRecord[] }) {
  const { t } = useTranslation();
  const liveId = useConversations((s) => s.live?.messageId ?? null);
  const [selectedId, setSelectedId] = useState(() => answers[0]!.id);
  const [seenCount, setSeenCount] = useState(answers.length);
  // Derived state: follow a newly added alternative.
  if (answers.length !== seenCount) {
    setSeenCount(answers.length);
    if (answers.length > seenCount) setSelectedId(answers[answers.length - 1]!.id);
  }
  const selected = answers.find((a) => a.id === selectedId) ?? answers[answers.length - 1]!;

  if (answers.length === 1) return <AssistantMessage message={selected} />;

  const pair = comparePair(answers, selected.id);
  const busy = answers.some((a) => a.id === liveId || a.status === 'streaming');
  const selectedIndex = answers.indexOf(selected);
  const onTabKey = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = answers[(selectedIndex + step + answers.length) % answers.length]!;
    setSelectedId(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };

  return (
    <div className="answer-group" data-testid="answer-group" data-original-id={answers[0]!.id}>
      <div className="alternatives-bar">
        <div className="alternative-tabs" role="tablist" aria-label={t('alternatives.label')} onKeyDown={onTabKey}>
          {answers.map((answer, index) => {
            const active = answer.id === selected.id;
            return (
              <button
                key={answer.id}
                id={`tab-${answer.id}`}
                type="button"
                role="tab"
                className={`alternative-tab${active ? ' is-active' : ''}`}
                data-testid="alternative-tab"
                data-message-id={answer.id}
                aria-selected={active}
                aria-controls={`tabpanel-${answers[0]!.id}`}
                tabIndex={active ? 0 : -1}
                onClick={() => setSelectedId(answer.id)}
              >
                {index === 0 ? t('alternatives.tab', { number: 1 }) : index + 1}
                <TabErrorDot message={answer} live={answer.id === liveId} />
              </button>
            );
          })}
        </div>
        {pair && (
          <button
            type="button"
            className="button button-small"
            data-testid="compare-button"
            disabled={busy}
            title={t('alternatives.compareTooltip', { left: answers.findIndex((a) => a.id === pair[0]) + 1, right: answers.findIndex((a) => a.id === pair[1]) + 1 })}
            onClick={() => void inspectorStore.getState().openCompare(pair[0], pair[1])}
          >
            <Icon name="columns" size={13} />
            {t('alternatives.compare')}
          </button>
        )}
      </div>
      <div id={`tabpanel-${answers[0]!.id}`} role="tabpanel" aria-labelledby={`tab-${selected.id}`}>
        <AssistantMessage key={selected.id} message={selected} />
      </div>
    </div>
  );
});
