import { describe, expect, it } from 'vitest';
import { readVerdict, scoreVerdict, verdictLabel } from './verdicts';

const label = (text: string): string | null => {
  const v = readVerdict(text);
  return v && verdictLabel(v);
};

describe('readVerdict', () => {
  it.each([
    ['合规', 'compliant'],
    ['不合规', 'non-compliant'],
    ['违规', 'non-compliant'],
    ['存在违规', 'non-compliant'],
    ['不存在违规', 'compliant'],
    ['没有违规', 'compliant'],
    ['未违规', 'compliant'],
    ['无违规行为', 'compliant'],
    ['符合规定', 'compliant'],
    ['不符合规定', 'non-compliant'],
    ['非合规', 'non-compliant'],
    ['\\text{不合规}', 'non-compliant'],
    ['compliant', 'compliant'],
    ['Compliant.', 'compliant'],
    ['non-compliant', 'non-compliant'],
    ['Non-Compliant', 'non-compliant'],
    ['noncompliant', 'non-compliant'],
    ['not compliant', 'non-compliant'],
    ["isn't compliant", 'non-compliant'],
    ['The agent is not in compliance', 'non-compliant'],
    ['The conduct violates the rule', 'non-compliant'],
    ['No violation found', 'compliant'],
    ['It does not violate the rule', 'compliant'],
    ['yes', 'yes'],
    ['Yes.', 'yes'],
    ['no', 'no'],
    ['No', 'no'],
    ['true', 'yes'],
    ['False', 'no'],
    ['是', 'yes'],
    ['是的', 'yes'],
    ['否', 'no'],
    ['不是', 'no'],
    ['答案：否', 'no'],
  ])('%s → %s', (text, want) => {
    expect(label(text)).toBe(want);
  });

  it('takes the conclusion, not a later mention', () => {
    expect(label('不合规，因为违反了合规要求')).toBe('non-compliant');
    expect(label('分析：坐席提到了合规话术。结论：不合规')).toBe('non-compliant');
    expect(label('Verdict: compliant; no violation of the disclosure rule')).toBe('compliant');
  });

  it('does not read yes/no out of Chinese words', () => {
    expect(readVerdict('是否合规需要判断', 'boolean')).toBeNull();
    expect(readVerdict('这是一个问题', 'boolean')).toBeNull();
  });

  it('gives none for text without a verdict', () => {
    expect(readVerdict('无法判断')).toBeNull();
    expect(readVerdict('')).toBeNull();
  });
});

describe('scoreVerdict', () => {
  it('matches the verdict across languages and negation', () => {
    expect(scoreVerdict('不合规', 'non-compliant')).toBe(true);
    expect(scoreVerdict('non-compliant', '违规')).toBe(true);
    expect(scoreVerdict('compliant', '不合规')).toBe(false);
    expect(scoreVerdict('合规', '不合规')).toBe(false);
    expect(scoreVerdict('不合规', '合规')).toBe(false);
    expect(scoreVerdict('not compliant', 'compliant')).toBe(false);
    expect(scoreVerdict('没有违规', '合规')).toBe(true);
    expect(scoreVerdict('Yes', '是')).toBe(true);
    expect(scoreVerdict('否', 'no')).toBe(true);
    expect(scoreVerdict('true', 'no')).toBe(false);
  });

  it('reads a prediction in its reference\'s family only', () => {
    // "是" answers "是否合规" or "是否违规" alike; the scorer cannot know which, so it does not guess.
    expect(scoreVerdict('合规', '是')).toBe(false);
    expect(scoreVerdict('是的，该行为合规', '是')).toBe(true);
    expect(scoreVerdict('是的，该行为合规', '合规')).toBe(true);
  });

  it('compares a reference that is no verdict as free text', () => {
    expect(scoreVerdict('Rule 3', 'rule 3')).toBe(true);
  });
});
