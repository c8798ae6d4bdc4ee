import { useEffect, useState, type RefObject } from 'react';

/** True once the element has come near the viewport (and stays true): work for what the reader may look at. */
export function useSeen(ref: RefObject<Element | null>, rootMargin = '400px'): boolean {
  // Without IntersectionObserver (tests, old engines) everything counts as seen.
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, rootMargin, seen]);
  return seen;
}
