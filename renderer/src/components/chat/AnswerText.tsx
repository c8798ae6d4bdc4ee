import { memo, useMemo } from 'react';
import { parseBoxed } from '../../lib/boxed';

/** The answer as plain text with its line breaks; `\boxed{…}` results highlighted. */
export const AnswerText = memo(function AnswerText({ text, streaming }: { text: string; streaming?: boolean }) {
  const segments = useMemo(() => parseBoxed(text), [text]);
  return (
    <div className={`answer-text ${streaming ? 'is-streaming' : ''}`} data-testid="answer-text">
      {segments.map((segment, index) =>
        segment.kind === 'boxed' ? (
          <span key={index} className="boxed" data-testid="answer-boxed">
            {segment.text}
          </span>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
      {streaming && <span className="caret" aria-hidden="true" />}
    </div>
  );
});
