import { useEffect, useRef } from 'react';

/**
 * For a field that keeps its typed text locally and reports its validity to the store (Start waits for it): leaving
 * (the view, a reset's remount, a removed reward) drops an invalid typed text, and the field comes back showing the
 * stored value, which is valid — so it is reported valid again then.
 */
export function useValidOnLeave(valid: boolean, report: (valid: boolean) => void): void {
  const latest = useRef({ valid, report });
  useEffect(() => {
    latest.current = { valid, report };
  });
  useEffect(
    () => () => {
      if (!latest.current.valid) latest.current.report(true);
    },
    [],
  );
}
