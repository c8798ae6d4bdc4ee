import { memo, useLayoutEffect, useMemo } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { endsParagraph, splitBlocks } from '../../lib/textBlocks';
import { useStickToBottom } from '../../lib/useStickToBottom';

/** Above this, only the visible part of the trace is in the DOM. */
const virtualizeFromChars = 12_000;

const Block = memo(function Block({ text }: { text: string }) {
  return <div className={`reasoning-block ${endsParagraph(text) ? 'ends-paragraph' : ''}`}>{text.trimEnd()}</div>;
});

interface Props {
  text: string;
  /** Pre-split blocks (the live trace keeps them incrementally); split here when absent. */
  blocks?: readonly string[];
  /** Follow the end of the trace while it grows, unless the reader scrolled up. */
  follow: boolean;
}

/** Follows the end of the trace while it streams (re-run on every change of `dependency`). */
function useFollow(follow: boolean, dependency: unknown) {
  const { ref, handlers, toBottom } = useStickToBottom();
  useLayoutEffect(() => {
    if (follow) toBottom();
  }, [follow, dependency, toBottom]);
  return { ref, handlers };
}

function VirtualTrace({ blocks, follow }: { blocks: readonly string[]; follow: boolean }) {
  const { ref, handlers, toBottom } = useStickToBottom();
  // The virtualizer is mutable by design; this component is not memoised by the compiler and re-renders with it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: blocks.length,
    getScrollElement: () => ref.current,
    // ~90 characters a line at the trace's width, 18 px a line, plus paragraph spacing.
    estimateSize: (index) => Math.max(1, Math.ceil((blocks[index]?.length ?? 0) / 90)) * 18 + 8,
    overscan: 8,
    useFlushSync: false,
  });
  // After the virtualizer's own layout effect, which resets the scroll position when it attaches.
  useLayoutEffect(() => {
    if (follow) toBottom();
  }, [follow, blocks, toBottom]);
  return (
    <div ref={ref} {...handlers} className="reasoning-scroll" data-testid="reasoning-text" data-virtualized="true" tabIndex={0}>
      <div className="reasoning-virtual-space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="reasoning-virtual-item" style={{ transform: `translateY(${item.start}px)` }}>
            <Block text={blocks[item.index] ?? ''} />
          </div>
        ))}
      </div>
    </div>
  );
}

function PlainTrace({ text, follow }: { text: string; follow: boolean }) {
  const { ref, handlers } = useFollow(follow, text);
  return (
    <div ref={ref} {...handlers} className="reasoning-scroll" data-testid="reasoning-text" tabIndex={0}>
      <div className="reasoning-plain">{text}</div>
    </div>
  );
}

export function ReasoningTrace({ text, blocks, follow }: Props) {
  const long = text.length > virtualizeFromChars;
  const split = useMemo(() => (long && !blocks ? splitBlocks(text) : null), [long, blocks, text]);
  if (!long) return <PlainTrace text={text} follow={follow} />;
  return <VirtualTrace blocks={blocks ?? split ?? []} follow={follow} />;
}
