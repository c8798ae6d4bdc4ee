import { useEffect, useRef } from 'react';
import type { MessageRecord } from '../../contract';
import { AssistantMessage, UserMessage } from './AssistantMessage';
import { useStickToBottom } from '../../lib/useStickToBottom';

/**
 * The conversation. Re-renders only when the message list changes (a question starts, an answer ends); the
 * streaming answer updates itself. Keeps the view at the bottom while content grows, unless the reader scrolled up.
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

  // A new question always brings the view down to it.
  const last = messages[messages.length - 1];
  useEffect(() => {
    toBottom(true);
  }, [last?.id, toBottom]);

  return (
    <div className="message-scroll" ref={scrollRef} {...handlers}>
      <div className="message-list" ref={contentRef}>
        {messages.map((message) =>
          message.role === 'user' ? <UserMessage key={message.id} message={message} /> : <AssistantMessage key={message.id} message={message} />,
        )}
      </div>
    </div>
  );
}
