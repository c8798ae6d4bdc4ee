/** The record without `key` (the same record when it has none, so selectors on it see no change). */
export function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

/**
 * Actions on one item of a list (pause, resume, cancel, remove a job or a run), one at a time per item: while one runs
 * the item is marked in `actions` (its buttons wait) and starting one clears the last action's error. The SFT, GRPO
 * and evaluation stores share it.
 */
export function keyedActionRunner<A extends string>(
  get: () => { actions: Record<string, A> },
  set: (partial: { actions: Record<string, A>; actionError?: null }) => void,
) {
  /** `work`'s answer, `recover`'s when it throws, or undefined when the item is busy with another action. */
  return async function runAction<R>(key: string, action: A, work: () => Promise<R>, recover: (error: unknown) => R): Promise<R | undefined> {
    if (get().actions[key]) return undefined;
    set({ actions: { ...get().actions, [key]: action }, actionError: null });
    try {
      return await work();
    } catch (error) {
      return recover(error);
    } finally {
      set({ actions: without(get().actions, key) });
    }
  };
}
