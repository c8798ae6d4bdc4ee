import { useId, useState } from 'react';
import type { z } from 'zod';
import { useValidOnLeave } from './useValidOnLeave';

/** Parses a typed number with the zod schema the API declares (an empty field is no number). */
export function schemaParser(schema: z.ZodType): (typed: string) => number | null {
  return (typed) => {
    if (!typed.trim()) return null;
    const parsed = Number(typed);
    return Number.isFinite(parsed) && schema.safeParse(parsed).success ? parsed : null;
  };
}

/**
 * A number as typed (a half-typed "0." stays as typed), checked with `parse`; `onValue` gets it once it is valid,
 * `onValidity` says when it turns valid or not (Start waits for it). Used by the SFT and the GRPO settings.
 */
export function NumberInput({
  label,
  value,
  parse,
  invalidMessage,
  step,
  help,
  testId,
  onValue,
  onValidity,
}: {
  label: string;
  value: number;
  /** The valid number typed, or null. */
  parse(typed: string): number | null;
  /** Shown under an invalid value (its bounds). */
  invalidMessage: string;
  step: string;
  help?: string;
  testId?: string;
  onValue(value: number): void;
  onValidity(valid: boolean): void;
}) {
  const [text, setText] = useState(String(value));
  const id = useId();
  const valid = parse(text) !== null;
  // Reset remounts the fields (the form's key), so the typed text starts from the value again.
  useValidOnLeave(valid, onValidity);
  return (
    <div className="eval-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input input-number"
        type="number"
        step={step}
        value={text}
        data-testid={testId}
        aria-invalid={valid ? undefined : true}
        aria-describedby={[valid ? null : `${id}-error`, help ? `${id}-help` : null].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parse(e.target.value);
          onValidity(parsed !== null);
          if (parsed !== null) onValue(parsed);
        }}
      />
      {help && (
        <p className="field-help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {!valid && (
        <p className="field-error" id={`${id}-error`}>
          {invalidMessage}
        </p>
      )}
    </div>
  );
}
