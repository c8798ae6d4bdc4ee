import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';

/**
 * A number as typed (a half-typed "0." stays as typed), checked with the same zod schema the API declares; `onValue`
 * gets it once it is valid, `onValidity` says when it turns valid or not (Start waits for it).
 */
export function NumberInput({
  label,
  value,
  schema,
  min,
  max,
  step,
  help,
  testId,
  onValue,
  onValidity,
}: {
  label: string;
  value: number;
  schema: z.ZodType;
  /** The bounds, for the message under an invalid value. */
  min: number;
  max: number;
  step: string;
  help?: string;
  testId?: string;
  onValue(value: number): void;
  onValidity(valid: boolean): void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(String(value));
  const id = useId();
  const parse = (typed: string): number | null => {
    if (!typed.trim()) return null;
    const parsed = Number(typed);
    return Number.isFinite(parsed) && schema.safeParse(parsed).success ? parsed : null;
  };
  const valid = parse(text) !== null;
  // Reset remounts the fields (the form's key), so the typed text starts from the value again.
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
          {t('grpo.settings.range', { min, max })}
        </p>
      )}
    </div>
  );
}
