import { useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useHover } from './inspectorContext';

/** The question, with the span a hovered number was taken from marked. */
export function QuestionView({ question }: { question: string }) {
  const { t } = useTranslation();
  const span = useHover((s) => (s.active?.target.kind === 'question' ? `${s.active.target.start}:${s.active.target.end}` : null));
  const markRef = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    // A long question scrolls inside its own box; keep the marked span in view there.
    const mark = markRef.current;
    const box = mark?.closest('.inspector-question-text');
    if (!mark || !(box instanceof HTMLElement) || box.scrollHeight <= box.clientHeight) return;
    box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 2);
  }, [span]);

  let body;
  if (span) {
    const [start, end] = span.split(':').map(Number) as [number, number];
    body = (
      <>
        {question.slice(0, start)}
        <mark ref={markRef} className="question-source" data-testid="question-source">
          {question.slice(start, end)}
        </mark>
        {question.slice(end)}
      </>
    );
  } else {
    body = question;
  }
  return (
    <div className="inspector-question" data-testid="inspector-question">
      <div className="inspector-label">{t('inspector.question')}</div>
      <div className="inspector-question-text">{body}</div>
    </div>
  );
}
