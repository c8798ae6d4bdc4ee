/**
 * What the SFT and GRPO settings forms keep beside their config: the job's name, and the fields whose text is not a
 * valid value now (Start waits for them).
 */
export interface JobFormState {
  name: string;
  /** Settings fields whose text is not a valid value now (Start waits for them). */
  invalidFields: string[];

  setName(name: string): void;
  setFieldInvalid(field: string, invalid: boolean): void;
}

export function jobFormSlice(get: () => JobFormState, set: (partial: Partial<JobFormState>) => void): JobFormState {
  return {
    name: '',
    invalidFields: [],

    setName(name) {
      set({ name });
    },

    setFieldInvalid(field, invalid) {
      const fields = get().invalidFields;
      if (invalid === fields.includes(field)) return;
      set({ invalidFields: invalid ? [...fields, field] : fields.filter((f) => f !== field) });
    },
  };
}
