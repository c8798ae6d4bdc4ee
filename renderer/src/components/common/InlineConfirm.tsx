export interface InlineConfirmProps {
  /** The question, e.g. "Remove this run and its results?". */
  message: string;
  /** The button that goes ahead, e.g. "Remove". */
  confirmLabel: string;
  /** The button that backs out, e.g. "Cancel". */
  cancelLabel: string;
  /** Goes ahead; called after `onClose`. */
  onConfirm(): void;
  /** Closes the prompt: Cancel calls it, and so does the confirm button before `onConfirm`. */
  onClose(): void;
  /** The group's accessible name. Defaults to none. */
  label?: string;
  /** Defaults to none. */
  testId?: string;
  /** The confirm button's test id. Defaults to none. */
  confirmTestId?: string;
  /** Defaults to false. */
  confirmDisabled?: boolean;
  /** Whether the question is set in muted text. Defaults to true. */
  mutedMessage?: boolean;
}

/** A question in place of a destructive button, with a danger button to go ahead and one to back out. */
export function InlineConfirm({ message, confirmLabel, cancelLabel, onConfirm, onClose, label, testId, confirmTestId, confirmDisabled = false, mutedMessage = true }: InlineConfirmProps) {
  return (
    <span className="inline-confirm" role="group" aria-label={label} data-testid={testId}>
      <span className={mutedMessage ? 'muted' : undefined}>{message}</span>
      <button
        type="button"
        className="button button-small button-danger"
        data-testid={confirmTestId}
        disabled={confirmDisabled}
        onClick={() => {
          onClose();
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button button-small" onClick={onClose}>
        {cancelLabel}
      </button>
    </span>
  );
}
