import type { SerializedError } from '../../contract';
import { ErrorMessage } from '../common/ErrorMessage';

/** The settings form's Start (SFT or GRPO): why it waits, if it does, and a failed start; test ids `${testIdPrefix}-start…`. */
export function StartRow({
  testIdPrefix,
  blocked,
  starting,
  startLabel,
  startingLabel,
  error,
  onDismissError,
  onStart,
}: {
  testIdPrefix: string;
  /** Why Start waits (translated), or null when it can start. */
  blocked: string | null;
  starting: boolean;
  startLabel: string;
  startingLabel: string;
  error: SerializedError | null;
  onDismissError(): void;
  onStart(): void;
}) {
  const whyId = `${testIdPrefix}-start-why`;
  return (
    <>
      {error && <ErrorMessage error={error} onDismiss={onDismissError} />}
      <div className="eval-form-actions train-start-row">
        {blocked !== null && (
          <span className="muted" data-testid={`${testIdPrefix}-start-blocked`} id={whyId}>
            {blocked}
          </span>
        )}
        <button
          type="button"
          className="button button-primary"
          data-testid={`${testIdPrefix}-start`}
          disabled={starting || blocked !== null}
          aria-describedby={blocked !== null ? whyId : undefined}
          onClick={onStart}
        >
          {starting ? startingLabel : startLabel}
        </button>
      </div>
    </>
  );
}
