import { describe, expect, it } from 'vitest';
import { api, methodNames } from '../shared/api';
import { methodKinds } from './methodKinds';

describe('methodKinds', () => {
  it('matches the API declaration exactly', () => {
    expect(Object.keys(methodKinds).sort()).toEqual([...methodNames].sort());
    for (const name of methodNames) expect(methodKinds[name], name).toBe(api[name].kind);
  });
});
