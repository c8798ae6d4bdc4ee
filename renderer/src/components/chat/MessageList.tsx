import { useEffect, useMemo, useRef } from 'react';
import type { MessageRecord } from '../../contract';
import { UserMessage } from './AssistantMessage';
import { AnswerGroup } from './AnswerGroup';
import { groupAlternatives } from '../../lib/alternatives';
import { useStickToBottom } from '../../lib/useStickToBottom';

/**
 * The conversation. Re-renders only when the message list changes (a question starts, an answer ends); the
 * streaming answer updates itself. Keeps the view at the bottom while content grows, unless the reader scrolled up.
 * Regenerated answers come last in `messages` but are shown with the answer they are an alternative of.
 */
export function MessageList({ messages }: { messages: MessageRecord[] }) {
  const { ref: scrollRef, handlers, toBottom } = useStickToBottom(48);
  const contentRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const content = contentRef.current;
    if (!content) return;
    const observer = new ResizeObserver(() => toBottom());
    observer.observe(content);
    return () => observer.disconnect();
  }, [toBottom]);

  const items = useMemo(() => groupAlternatives(messages), [messages]);

  // A new question always brings the view down to it (an alternative of an earlier answer does not).
  const last = items[items.length - 1];
  const lastKey = last ? (last.kind === 'user' ? last.message.id : last.id) : null;
  useEffect(() => {
    toBottom(true);
  }, [lastKey, toBottom]);

  return (
    <div className="message-scroll" ref={scrollRef} {...handlers}>
      <div className="message-list" ref={contentRef}>
        {items.map((item) => (item.kind === 'user' ? <UserMessage key={item.message.id} message={item.message} /> : <AnswerGroup key={item.id} answers={item.answers} />))}
      </div>
    </div>
  );
}
