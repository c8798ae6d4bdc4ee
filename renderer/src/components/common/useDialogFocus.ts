import { useEffect, useEffectEvent, useRef, type RefObject } from 'react';

export interface DialogFocusOptions {
  /** Closes the dialog; Escape calls it. */
  onClose(): void;
  /** Any other key pressed while the dialog is open, in the capture phase. Defaults to none. */
  onKeyDown?(event: KeyboardEvent): void;
  /** What the dialog shows: a new subject while open counts as closing and opening again. Defaults to none. */
  subject?: string;
}

/**
 * The keyboard side of a modal dialog. While `open`, focus starts on the element the returned ref is given (its
 * Close button) and Escape closes it; when it closes, focus goes back to where it was before it opened.
 */
export function useDialogFocus<T extends HTMLElement = HTMLButtonElement>(open: boolean, { onClose, onKeyDown, subject }: DialogFocusOptions): RefObject<T | null> {
  const closeRef = useRef<T>(null);
  // The latest callbacks, without reopening the dialog when the caller passes new functions.
  const close = useEffectEvent(onClose);
  const otherKey = useEffectEvent((event: KeyboardEvent) => onKeyDown?.(event));

  useEffect(() => {
    if (!open) return;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    // Capture phase: before the app's global Escape (stop generating).
    const handleKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') {
        otherKey(event);
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      close();
    };
    window.addEventListener('keydown', handleKeyDown, true);
    return () => {
      window.removeEventListener('keydown', handleKeyDown, true);
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, [open, subject]);

  return closeRef;
}
