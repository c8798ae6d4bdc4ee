import { useEffect, useRef } from 'react';
import type { MessageRecord } from '../../contract';
import { AssistantMessage, UserMessage } from './AssistantMessage';

/**
 * The conversation. Re-renders only when the message list changes (a question starts, an answer ends); the
 * streaming answer updates itself. Keeps the view at the bottom while content grows, unless the reader scrolled up.
 */
export function MessageList({ messages }: { messages: MessageRecord[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);

  useEffect(() => {
    const scroller = scrollRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const onScroll = () => {
      stuck.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    };
    const observer = new ResizeObserver(() => {
      if (stuck.current) scroller.scrollTop = scroller.scrollHeight;
    });
    scroller.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(content);
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, []);

  // A new question always brings the view down to it.
  const last = messages[messages.length - 1];
  useEffect(() => {
    stuck.current = true;
    const scroller = scrollRef.current;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }, [last?.id]);

  return (
    <div className="message-scroll" ref={scrollRef}>
      <div className="message-list" ref={contentRef}>
        {messages.map((message) =>
          message.role === 'user' ? <UserMessage key={message.id} message={message} /> : <AssistantMessage key={message.id} message={message} />,
        )}
      </div>
    </div>
  );
}
