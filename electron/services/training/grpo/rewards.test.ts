import { describe, expect, it } from 'vitest';
import { createReward, groupAdvantages, policyTokenWeights, type GrpoItem } from './rewards';

const finqa: GrpoItem = { id: 'f', task: 'finqa', question: 'Operating margin?', reference: '0.15' };
const cflue: GrpoItem = { id: 'c', task: 'cflue', question: '哪些属于金融资产？', reference: 'ABD' };
const ccc: GrpoItem = { id: 'k', task: 'ccc', question: '是否合规？', reference: '违规' };

describe('the dual reward', () => {
  const reward = createReward();
  it('gives 2 for a well-formed right answer, 1 for well-formed but wrong or right but malformed, 0 for neither', () => {
    expect(reward.score('<think>210/1400=0.15</think><answer>\\boxed{15\\%}</answer>', finqa)).toMatchObject({ format: 1, accuracy: 1, total: 2 });
    expect(reward.score('<think>…</think><answer>\\boxed{20\\%}</answer>', finqa)).toMatchObject({ format: 1, accuracy: 0, total: 1 });
    expect(reward.score('the margin is \\boxed{15%}', finqa)).toMatchObject({ format: 0, accuracy: 1, total: 1 });
    expect(reward.score('no idea', finqa)).toMatchObject({ format: 0, accuracy: 0, total: 0 });
  });
  it('scores option letters and verdicts with the evaluation scorer', () => {
    expect(reward.score('<think>现金、债券、股票</think><answer>\\boxed{D,B,A}</answer>', cflue).accuracy).toBe(1);
    expect(reward.score('<think>…</think><answer>\\boxed{AB}</answer>', cflue).accuracy).toBe(0);
    expect(reward.score('<think>承诺保本</think><answer>\\boxed{不合规}</answer>', ccc).accuracy).toBe(1);
    expect(reward.score('<think>…</think><answer>\\boxed{合规}</answer>', ccc).accuracy).toBe(0);
  });
  it('counts a think block the chat template opened', () => {
    const opened = createReward({}, { startInReasoning: true });
    expect(opened.score('210/1400=0.15</think><answer>\\boxed{0.15}</answer>', finqa).format).toBe(1);
    expect(opened.score('<think>again</think><answer>\\boxed{0.15}</answer>', finqa).format).toBe(0);
  });
  it('weighs its parts as configured', () => {
    const accuracyOnly = createReward({ format: 0, accuracy: 2 });
    expect(accuracyOnly.score('<think>x</think><answer>\\boxed{15\\%}</answer>', finqa).total).toBe(2);
  });
});

describe('custom rewards', () => {
  it('keywords: included phrases up, excluded phrases down, in [-1, 1]', () => {
    const reward = createReward({ format: 0, accuracy: 0, custom: [{ kind: 'keywords', include: ['净利润', 'net income'], exclude: ['保证收益'] }] });
    expect(reward.score('<think>x</think><answer>净利润增长 \\boxed{1}</answer>', finqa).total).toBeCloseTo(1 / 3);
    expect(reward.score('<think>x</think><answer>保证收益 \\boxed{1}</answer>', finqa).total).toBeCloseTo(-1 / 3);
  });
  it('jsonSchema: the boxed answer (or the answer text) must parse and validate', () => {
    const reward = createReward({
      format: 0,
      accuracy: 0,
      custom: [{ kind: 'jsonSchema', schema: { type: 'object', required: ['ratio'], properties: { ratio: { type: 'number' } } } }],
    });
    expect(reward.score('<think>x</think><answer>{"ratio": 0.15}</answer>', finqa).total).toBe(1);
    expect(reward.score('<think>x</think><answer>{"ratio": "high"}</answer>', finqa).total).toBe(0);
    expect(reward.score('<think>x</think><answer>not json</answer>', finqa).total).toBe(0);
    expect(() => createReward({ custom: [{ kind: 'jsonSchema', schema: { type: 'no-such-type' } }] })).toThrow(/schema is not valid/);
  });
  it('answerStartsWith: the answer as written, inside <answer> or after </think>', () => {
    const reward = createReward({ format: 0, accuracy: 0, custom: [{ kind: 'answerStartsWith', text: '结论' }] });
    expect(reward.score('<think>x</think><answer>\n结论：违规</answer>', ccc).total).toBe(1);
    expect(reward.score('<think>x</think>结论：违规', ccc).total).toBe(1);
    expect(reward.score('<think>x</think><answer>违规</answer>', ccc).total).toBe(0);
  });
});

describe('group-relative advantages', () => {
  it('centre on the group mean and scale by its (unbiased) standard deviation', () => {
    const a = groupAdvantages([2, 1, 1, 0]);
    expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(0);
    const std = Math.sqrt((1 + 0 + 0 + 1) / 3);
    expect(a[0]).toBeCloseTo(1 / std, 5);
    expect(a[3]).toBeCloseTo(-1 / std, 5);
  });
  it('are 0 when every answer earned the same reward (nothing to learn), and for a group of one', () => {
    expect(groupAdvantages([1, 1, 1])).toEqual([0, 0, 0]);
    expect(groupAdvantages([2])).toEqual([0]);
    expect(groupAdvantages([])).toEqual([]);
  });
});

describe('policy token weights', () => {
  it('are the advantage on every response token without a KL penalty', () => {
    expect(policyTokenWeights(0.5, [-1, -2, -3], null, 0.001)).toEqual([0.5, 0.5, 0.5]);
    expect(policyTokenWeights(-1, [-1, -2], [-1, -2], 0)).toEqual([-1, -1]);
  });
  it('subtract β·(1 − exp(ref − logp)): zero where the policy equals the reference, pulling back where it drifted', () => {
    const w = policyTokenWeights(1, [-1, -0.5, -3], [-1, -1, -1], 0.1);
    expect(w[0]).toBeCloseTo(1);
    // logp > ref: the policy made this token likelier than the reference → weight lowered.
    expect(w[1]).toBeCloseTo(1 - 0.1 * (1 - Math.exp(-0.5)));
    expect(w[1]).toBeLessThan(1);
    // logp < ref: raised.
    expect(w[2]).toBeGreaterThan(1);
  });
  it('match the derivative of the k3 estimator by finite differences', () => {
    const beta = 0.2;
    const ref = -1.3;
    const k3 = (logp: number) => Math.exp(ref - logp) - (ref - logp) - 1;
    for (const logp of [-2, -1.3, -0.4]) {
      const h = 1e-6;
      const dk3 = (k3(logp + h) - k3(logp - h)) / (2 * h);
      // loss = −w·logp ⇒ ∂loss/∂logp = −w; the objective −A·logp + β·k3 has derivative −A + β·dk3.
      const [w] = policyTokenWeights(0.7, [logp], [ref], beta);
      expect(-w!).toBeCloseTo(-0.7 + beta * dk3, 6);
    }
  });
});
