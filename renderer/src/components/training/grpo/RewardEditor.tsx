import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { GrpoRewardConfig, type GrpoCustomReward } from '../../../contract';
import { grpoStore, useGrpo } from '../../../stores';
import { Icon } from '../../common/Icon';
import { NumberInput, schemaParser } from '../NumberInput';
import { useValidOnLeave } from '../useValidOnLeave';

const kinds: GrpoCustomReward['kind'][] = ['keywords', 'jsonSchema', 'answerStartsWith'];
const weightSchema = z.number().min(-10).max(10);
/** Each keyword list as the API takes it (1–200 characters a phrase, at most 50). */
const phrasesSchema = z.array(z.string().min(1).max(200)).max(50);

const phrases = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** A phrase list, one a line; the store gets it when every phrase is within the limits. */
function PhraseList({ label, value, field, onValue }: { label: string; value: string[]; field: string; onValue(phrases: string[]): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(value.join('\n'));
  const id = useId();
  const valid = phrasesSchema.safeParse(phrases(text)).success;
  useValidOnLeave(valid, (ok) => grpoStore.getState().setFieldInvalid(field, !ok));
  return (
    <div className="eval-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        className="input grpo-phrases"
        rows={3}
        value={text}
        aria-invalid={valid ? undefined : true}
        aria-describedby={valid ? `${id}-help` : `${id}-error`}
        onChange={(e) => {
          setText(e.target.value);
          const ok = phrasesSchema.safeParse(phrases(e.target.value)).success;
          grpoStore.getState().setFieldInvalid(field, !ok);
          if (ok) onValue(phrases(e.target.value));
        }}
      />
      {valid ? (
        <p className="field-help" id={`${id}-help`}>
          {t('grpo.reward.onePerLine')}
        </p>
      ) : (
        <p className="field-error" id={`${id}-error`}>
          {t('grpo.reward.phrasesInvalid')}
        </p>
      )}
    </div>
  );
}

function SchemaField({ value, field, onValue }: { value: Record<string, unknown>; field: string; onValue(schema: Record<string, unknown>): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const id = useId();
  const parse = (typed: string): Record<string, unknown> | null => {
    try {
      const parsed: unknown = JSON.parse(typed);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const valid = parse(text) !== null;
  useValidOnLeave(valid, (ok) => grpoStore.getState().setFieldInvalid(field, !ok));
  return (
    <div className="eval-field eval-field-wide">
      <label className="field-label" htmlFor={id}>
        {t('grpo.reward.schema')}
      </label>
      <textarea
        id={id}
        className="input eval-mono grpo-schema"
        rows={5}
        spellCheck={false}
        value={text}
        aria-invalid={valid ? undefined : true}
        aria-describedby={valid ? `${id}-help` : `${id}-error`}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parse(e.target.value);
          grpoStore.getState().setFieldInvalid(field, parsed === null);
          if (parsed) onValue(parsed);
        }}
      />
      {valid ? (
        <p className="field-help" id={`${id}-help`}>
          {t('grpo.reward.schemaHelp')}
        </p>
      ) : (
        <p className="field-error" id={`${id}-error`}>
          {t('grpo.reward.schemaInvalid')}
        </p>
      )}
    </div>
  );
}

function CustomRewardRow({ reward, index, onRemove }: { reward: GrpoCustomReward; index: number; onRemove(): void }) {
  const { t } = useTranslation();
  const textId = useId();
  const store = grpoStore.getState();
  const field = (name: string) => `reward.custom.${index}.${name}`;
  const update = (patch: Partial<GrpoCustomReward>) => store.updateCustomReward(index, { ...reward, ...patch } as GrpoCustomReward);
  return (
    <li className="grpo-reward" data-testid="grpo-custom-reward" data-kind={reward.kind}>
      <div className="grpo-reward-header">
        <strong>{t(`grpo.reward.kinds.${reward.kind}`)}</strong>
        <span className="muted eval-sub">{t(`grpo.reward.kindHelp.${reward.kind}`)}</span>
        <button
          type="button"
          className="icon-button"
          aria-label={t('grpo.reward.remove', { kind: t(`grpo.reward.kinds.${reward.kind}`), number: index + 1 })}
          title={t('grpo.reward.removeShort')}
          onClick={onRemove}
        >
          <Icon name="close" size={13} />
        </button>
      </div>
      <div className="eval-form-grid">
        <NumberInput
          label={t('grpo.reward.weight')}
          value={reward.weight}
          parse={schemaParser(weightSchema)}
          invalidMessage={t('grpo.settings.range', { min: -10, max: 10 })}
          step="0.1"
          onValue={(weight) => update({ weight })}
          onValidity={(valid) => store.setFieldInvalid(field('weight'), !valid)}
        />
        {reward.kind === 'keywords' && (
          <>
            <PhraseList label={t('grpo.reward.include')} value={reward.include} field={field('include')} onValue={(include) => update({ include })} />
            <PhraseList label={t('grpo.reward.exclude')} value={reward.exclude} field={field('exclude')} onValue={(exclude) => update({ exclude })} />
          </>
        )}
        {reward.kind === 'answerStartsWith' && (
          <div className="eval-field">
            <label className="field-label" htmlFor={textId}>
              {t('grpo.reward.prefix')}
            </label>
            <input
              id={textId}
              className="input eval-mono"
              value={reward.text}
              maxLength={200}
              aria-invalid={reward.text ? undefined : true}
              onChange={(e) => {
                store.setFieldInvalid(field('text'), !e.target.value);
                update({ text: e.target.value });
              }}
            />
          </div>
        )}
        {reward.kind === 'jsonSchema' && <SchemaField value={reward.schema} field={field('schema')} onValue={(schema) => update({ schema })} />}
      </div>
    </li>
  );
}

/** DianJin-R1's dual reward (format and accuracy, each with its weight) and the user's own rewards added to it. */
export function RewardEditor() {
  const { t } = useTranslation();
  const reward = useGrpo((s) => s.config.reward);
  // Removing a row shifts the ones after it: they remount with their new values.
  const [revision, setRevision] = useState(0);
  const store = grpoStore.getState();
  return (
    <fieldset className="eval-fieldset" data-testid="grpo-rewards">
      <legend>{t('grpo.reward.title')}</legend>
      <p className="field-help">{t('grpo.reward.help')}</p>
      <div className="eval-form-grid">
        <NumberInput
          label={t('grpo.reward.format')}
          help={t('grpo.reward.formatHelp')}
          value={reward.format}
          parse={schemaParser(GrpoRewardConfig.shape.format)}
          invalidMessage={t('grpo.settings.range', { min: 0, max: 10 })}
          step="0.1"
          testId="grpo-reward-format"
          onValue={(format) => store.setReward({ format })}
          onValidity={(valid) => store.setFieldInvalid('reward.format', !valid)}
        />
        <NumberInput
          label={t('grpo.reward.accuracy')}
          help={t('grpo.reward.accuracyHelp')}
          value={reward.accuracy}
          parse={schemaParser(GrpoRewardConfig.shape.accuracy)}
          invalidMessage={t('grpo.settings.range', { min: 0, max: 10 })}
          step="0.1"
          testId="grpo-reward-accuracy"
          onValue={(accuracy) => store.setReward({ accuracy })}
          onValidity={(valid) => store.setFieldInvalid('reward.accuracy', !valid)}
        />
      </div>
      {reward.custom.length > 0 && (
        <ul className="grpo-reward-list" aria-label={t('grpo.reward.custom')}>
          {reward.custom.map((r, i) => (
            <CustomRewardRow
              key={`${revision}-${i}`}
              reward={r}
              index={i}
              onRemove={() => {
                store.removeCustomReward(i);
                setRevision((v) => v + 1);
              }}
            />
          ))}
        </ul>
      )}
      <div className="train-row" role="group" aria-label={t('grpo.reward.add')}>
        {kinds.map((kind) => (
          <button
            key={kind}
            type="button"
            className="button button-small"
            data-testid={`grpo-add-reward-${kind}`}
            disabled={reward.custom.length >= 20}
            onClick={() => store.addCustomReward(kind)}
          >
            <Icon name="plus" size={12} /> {t(`grpo.reward.addKind.${kind}`)}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
