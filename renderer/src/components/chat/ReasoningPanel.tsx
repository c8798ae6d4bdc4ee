import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../common/Icon';
import { ReasoningTrace } from './ReasoningTrace';

interface Props {
  text: string;
  blocks?: readonly string[];
  streaming: boolean;
  /** "Thinking…" while the reasoning is still being written. */
  thinking: boolean;
  /** Token count / duration, already formatted. */
  summary: ReactNode;
  /** Beside the toggle, in the panel's header (the inspector's toggle). */
  actions?: ReactNode;
}

/** The model's reasoning, apart from the answer: open while it streams, collapsed once the message is done. */
export function ReasoningPanel({ text, blocks, streaming, thinking, summary, actions }: Props) {
  const { t } = useTranslation();
  // A live message is a different component from the finished one, so the panel starts collapsed when done.
  const [open, setOpen] = useState(streaming);
  return (
    <section className={`reasoning-panel ${open ? 'is-open' : ''} ${thinking ? 'is-thinking' : ''}`} data-testid="reasoning-panel" data-open={open}>
      <div className="reasoning-header">
        <button
          type="button"
          className="reasoning-toggle"
          data-testid="reasoning-toggle"
          aria-expanded={open}
          title={open ? t('chat.hideReasoning') : t('chat.showReasoning')}
          onClick={() => setOpen((v) => !v)}
        >
          <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} />
          <span className="reasoning-label">{thinking ? t('chat.thinking') : t('chat.reasoning')}</span>
          <span className="reasoning-summary">{summary}</span>
        </button>
        {actions && <div className="reasoning-actions">{actions}</div>}
      </div>
      {open ? (
        <ReasoningTrace text={text} blocks={blocks} follow={streaming} />
      ) : (
        // Kept in the DOM (hidden) so the text is still there for search and tests; a single text node is cheap.
        <div className="reasoning-scroll" data-testid="reasoning-text" hidden>
          {text}
        </div>
      )}
    </section>
  );
}
