import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Citation } from '../../contract';
import { parseBoxed } from '../../lib/boxed';
import { splitCitations } from '../../lib/citations';

const noCitations: Citation[] = [];

/** Plain text with its `[n]` markers linked to the message's citations. */
function CitedText({ text, citations, onCite }: { text: string; citations: Citation[]; onCite?: ((citation: Citation) => void) | undefined }) {
  const { t } = useTranslation();
  const byNumber = useMemo(() => new Map(citations.map((c) => [c.n, c])), [citations]);
  const segments = useMemo(() => splitCitations(text, new Set(byNumber.keys())), [text, byNumber]);
  return (
    <>
      {segments.map((segment, index) => {
        if (segment.kind === 'text') return <span key={index}>{segment.text}</span>;
        const citation = byNumber.get(segment.n)!;
        const label = t('citations.link', { n: segment.n, name: citation.fileName, page: citation.page });
        return (
          <button key={index} type="button" className="citation-link" data-testid="citation-link" data-n={segment.n} title={label} aria-label={label} onClick={() => onCite?.(citation)}>
            {segment.text}
          </button>
        );
      })}
    </>
  );
}

interface AnswerTextProps {
  text: string;
  streaming?: boolean;
  /** The passages the answer was given; its `[n]` markers link to them. */
  citations?: Citation[];
  /** A citation link was clicked. */
  onCite?: (citation: Citation) => void;
}

/** The answer as plain text with its line breaks; `\boxed{…}` results highlighted, `[n]` citations linked. */
export const AnswerText = memo(function AnswerText({ text, streaming, citations = noCitations, onCite }: AnswerTextProps) {
  const segments = useMemo(() => parseBoxed(text), [text]);
  return (
    <div className={`answer-text ${streaming ? 'is-streaming' : ''}`} data-testid="answer-text">
      {segments.map((segment, index) =>
        segment.kind === 'boxed' ? (
          <span key={index} className="boxed" data-testid="answer-boxed">
            {segment.text}
          </span>
        ) : citations.length > 0 ? (
          <CitedText key={index} text={segment.text} citations={citations} onCite={onCite} />
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
      {streaming && <span className="caret" aria-hidden="true" />}
    </div>
  );
});
