import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../contract';
import { testMessage } from '../testing/messages';
import { comparePair, groupAlternatives, originalId, parseSeed } from './alternatives';

const message = (id: string, role: MessageRecord['role'], alternativeOf: string | null = null): MessageRecord => testMessage({ id, role, alternativeOf });

const shape = (messages: MessageRecord[]) =>
  groupAlternatives(messages).map((item) => (item.kind === 'user' ? item.message.id : item.answers.map((a) => a.id)));

describe('groupAlternatives', () => {
  it('puts alternatives appended at the end next to their original, oldest first', () => {
    const messages = [message('q1', 'user'), message('a1', 'assistant'), message('q2', 'user'), message('a2', 'assistant'), message('a1b', 'assistant', 'a1'), message('a2b', 'assistant', 'a2'), message('a1c', 'assistant', 'a1')];
    expect(shape(messages)).toEqual(['q1', ['a1', 'a1b', 'a1c'], 'q2', ['a2', 'a2b']]);
  });

  it('leaves a conversation without alternatives as it is', () => {
    const messages = [message('q1', 'user'), message('a1', 'assistant'), message('q2', 'user'), message('a2', 'assistant')];
    expect(shape(messages)).toEqual(['q1', ['a1'], 'q2', ['a2']]);
  });

  it('shows an alternative whose original is missing on its own, where it is', () => {
    const messages = [message('q1', 'user'), message('a1b', 'assistant', 'gone'), message('a1c', 'assistant', 'gone')];
    expect(shape(messages)).toEqual(['q1', ['a1b'], ['a1c']]);
  });

  it('names the group an answer belongs to', () => {
    expect(originalId(message('a1', 'assistant'))).toBe('a1');
    expect(originalId(message('a1b', 'assistant', 'a1'))).toBe('a1');
  });
});

describe('regenerate helpers', () => {
  it('compares the original with the shown answer, or with the first alternative', () => {
    const answers = [{ id: 'a1' }, { id: 'a1b' }, { id: 'a1c' }];
    expect(comparePair(answers, 'a1c')).toEqual(['a1', 'a1c']);
    expect(comparePair(answers, 'a1')).toEqual(['a1', 'a1b']);
    expect(comparePair([{ id: 'a1' }], 'a1')).toBeNull();
  });

  it('accepts whole seeds of 0 or more only', () => {
    expect(parseSeed(' 42 ')).toBe(42);
    expect(parseSeed('0')).toBe(0);
    for (const bad of ['', '-1', '1.5', 'abc', '1e3', '9999999999999999']) expect(parseSeed(bad), bad).toBeNull();
  });
});
