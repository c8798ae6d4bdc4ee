import { useCallback, useMemo, useRef } from 'react';

/**
 * Keeps a scroll container at its end while content grows, until the reader scrolls up; scrolling back to the end
 * re-attaches it. Only a scroll the reader caused (wheel, touch, keys, scrollbar drag) can detach it: content
 * growing, or a virtualiser correcting its size estimates, also moves scrollTop and must not.
 */
export function useStickToBottom<T extends HTMLElement = HTMLDivElement>(threshold = 32) {
  const ref = useRef<T>(null);
  const stuck = useRef(true);
  const lastTop = useRef(0);
  const userScrollAt = useRef(-Infinity);

  const handlers = useMemo(() => {
    const noteUser = () => {
      userScrollAt.current = performance.now();
    };
    return {
      onScroll() {
        const el = ref.current;
        if (!el) return;
        if (el.scrollHeight - el.scrollTop - el.clientHeight < threshold) stuck.current = true;
        else if (el.scrollTop < lastTop.current - 1 && performance.now() - userScrollAt.current < 1000) stuck.current = false;
        lastTop.current = el.scrollTop;
      },
      onWheel: noteUser,
      onTouchMove: noteUser,
      onKeyDown: noteUser,
      onPointerDown: noteUser,
    };
  }, [threshold]);

  /** Scrolls to the end if attached (`force` re-attaches first). */
  const toBottom = useCallback((force = false) => {
    const el = ref.current;
    if (!el) return;
    if (force) stuck.current = true;
    if (!stuck.current) return;
    el.scrollTop = el.scrollHeight;
    lastTop.current = el.scrollTop;
  }, []);

  return { ref, handlers, toBottom };
}
