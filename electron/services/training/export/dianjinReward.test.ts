/**
 * The exported verl reward (Python) against the workbench's scorer (TypeScript): every case's format and accuracy
 * reward must agree. Runs the file with the machine's python3 (it needs no package); skipped, saying why, without one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalTask } from '../../../shared/evaluation';
import { formatReward, scoreOutput } from '../../evaluation/scoring';
import { DIANJIN_REWARD_PY } from './rewardPython';

const python = ['python3', 'python'].find((cmd) => spawnSync(cmd, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)']).status === 0);

const wrap = (answer: string, reasoning = 'Working it out.') => `<think>\n${reasoning}\n</think>\n<answer>\n${answer}\n</answer>`;

/** [task, reference, output]. Expected scores are not written here: they come from the TypeScript scorer. */
const CASES: Array<[EvalTask, string, string]> = [
  // format rule (answerFormat.ts)
  ['cflue', 'B', wrap('\\boxed{B}')],
  ['cflue', 'B', '<think>x</think><answer>\\boxed{B}</answer>'],
  ['cflue', 'B', 'x</think>\n<answer>\\boxed{B}</answer>'],
  ['cflue', 'B', '<think>a</think><think>b</think><answer>\\boxed{B}</answer>'],
  ['cflue', 'B', '<think>x</think><answer>\\boxed{B}</answer><answer>\\boxed{B}</answer>'],
  ['cflue', 'B', 'Sure! <think>x</think><answer>\\boxed{B}</answer>'],
  ['cflue', 'B', '<think>x</think> text <answer>\\boxed{B}</answer>'],
  ['cflue', 'B', '<think>x</think><answer>\\boxed{B}</answer> trailing'],
  ['cflue', 'B', '<think>x</think><answer>\\boxed{B}</answer><|im_end|>'],
  ['cflue', 'B', '<think>x</think><answer>B</answer>'],
  ['cflue', 'B', '<think>x</think><answer>\\boxed{}</answer>'],
  ['cflue', 'B', '<think>x</think><answer>\\boxed{B</answer>'],
  ['cflue', 'B', '<THINK>x</ THINK>\n< answer >\\boxed{B}</answer >'],
  ['cflue', 'B', '<think>x'],
  ['cflue', 'B', ''],
  ['cflue', 'B', '<answer>\\boxed{B}</answer><think>x</think>'],
  // cflue: option letters as a set (choices.ts)
  ['cflue', 'ABD', wrap('\\boxed{DBA}')],
  ['cflue', 'AC', wrap('\\boxed{\\text{A, C}}')],
  ['cflue', 'AC', wrap('\\boxed{A和C}')],
  ['cflue', 'B', '<think>x</think><answer>答案是B</answer>'],
  ['cflue', 'C', wrap('The answer is C')],
  ['cflue', 'A', wrap('A reasonable choice is \\boxed{B}')],
  ['cflue', 'B', wrap('A reasonable choice is B')],
  ['cflue', 'AB', wrap('\\boxed{ＡＢ}')],
  ['cflue', 'AB', wrap('\\boxed{A}')],
  ['cflue', 'B', wrap('the answer is b')],
  ['cflue', 'A', wrap('I think A is correct')],
  ['cflue', 'CD', wrap('选项C和D正确，故选CD')],
  // finqa numbers (numbers.ts, with the inspector's extractNumbers)
  ['finqa', '0.0164', wrap('The growth rate is \\boxed{1.64\\%}.')],
  ['finqa', '0.0164', wrap('\\boxed{2\\%}')],
  ['finqa', '0.0164', wrap('\\boxed{1.6\\%}')],
  ['finqa', '0.0164', wrap('\\boxed{1.64}')],
  ['finqa', '16.4', wrap('\\boxed{0.164}')],
  ['finqa', '14.1', wrap('\\boxed{14.1\\%}')],
  ['finqa', '1500', wrap('\\boxed{15\\%}')],
  ['finqa', '-1200', wrap('\\boxed{(1,200)}')],
  ['finqa', '-1200', wrap('\\boxed{1,200}')],
  ['finqa', '1234', wrap('\\boxed{1,200}')],
  ['finqa', '1234', wrap('\\boxed{1.2 thousand}')],
  ['finqa', '40000000', wrap('净利润为\\boxed{0.4}亿元')],
  ['finqa', '1200', wrap('\\boxed{1.2} billion')],
  ['finqa', '1200', wrap('\\boxed{\\$1.2B}')],
  ['finqa', '1200000', wrap('\\boxed{1.2m}')],
  ['finqa', '15000', wrap('\\boxed{1.5万}')],
  ['finqa', '0.25', wrap('\\boxed{\\frac{1}{4}}')],
  ['finqa', '-0.05', wrap('a decrease of \\boxed{5\\%}')],
  ['finqa', '-0.05', wrap('revenue fell by 5%')],
  ['finqa', '0.027', wrap('\\boxed{2.7个百分点}')],
  ['finqa', '1400', wrap('\\boxed{1{,}400}')],
  ['finqa', '12.5', wrap('\\boxed{12.50}')],
  ['finqa', '0.0164', '<think>x</think>\nThe growth rate is 1.64%.'],
  ['finqa', '2019', wrap('\\boxed{2019}')],
  ['finqa', '15.2', wrap('The margin was 15.2 in 2019')],
  ['finqa', '0', wrap('\\boxed{0}')],
  ['finqa', '0', wrap('\\boxed{0.00}')],
  ['finqa', '5.5', wrap('\\boxed{about 5.5}')],
  ['finqa', '120', wrap('\\boxed{¥120元}')],
  ['finqa', '3.25', wrap('Step 1: 10 - 6.75 = 3.25, so \\boxed{3.25}')],
  ['finqa', '0.15', wrap('\\boxed{15.0\\%}')],
  ['finqa', '0.125', wrap('\\boxed{0.13}')],
  ['finqa', '0.125', wrap('\\boxed{0.12}')],
  ['finqa', '1.5', wrap('\\boxed{１．５}')],
  ['finqa', 'yes', wrap('\\boxed{Yes}')],
  ['finqa', 'no', wrap('\\boxed{yes}')],
  ['finqa', 'net income', wrap('\\boxed{Net Income}')],
  // ccc verdicts (verdicts.ts)
  ['ccc', '不合规', wrap('\\boxed{不合规}')],
  ['ccc', '不合规', wrap('\\boxed{合规}')],
  ['ccc', 'non-compliant', wrap('\\boxed{合规}')],
  ['ccc', 'non-compliant', wrap('\\boxed{non-compliant}')],
  ['ccc', 'compliant', wrap('\\boxed{compliant}')],
  ['ccc', 'compliant', wrap('\\boxed{not compliant}')],
  ['ccc', '合规', wrap('该对话没有违规行为，结论：\\boxed{合规}')],
  ['ccc', '合规', wrap('没有违规')],
  ['ccc', '违规', wrap('结论：存在违规，因为违反了合规要求')],
  ['ccc', '是', wrap('\\boxed{否}')],
  ['ccc', '是', wrap('\\boxed{是}')],
  ['ccc', 'yes', wrap('答案是yes')],
  ['ccc', 'no', wrap('The answer is no violation')],
  ['ccc', 'compliant', wrap('It does not violate any rule.')],
  // open: normalised exact match (openAnswers.ts)
  ['open', 'Net interest margin', wrap('\\boxed{net interest margin.}')],
  ['open', 'The Fed', wrap('The answer is: the fed')],
  ['open', '货币 政策', wrap('\\boxed{货币政策}')],
  ['open', '货币政策', wrap('\\boxed{财政政策}')],
];

describe.skipIf(!python)('dianjin_reward.py (verl reward) agrees with the TypeScript scorer', () => {
  it(`gives the same format and accuracy reward on ${CASES.length} cases`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dianjin-reward-'));
    try {
      const file = path.join(dir, 'dianjin_reward.py');
      writeFileSync(file, DIANJIN_REWARD_PY);
      const input = CASES.map(([task, reference, output]) => JSON.stringify({ task, reference, output })).join('\n') + '\n';
      const run = spawnSync(python!, [file], { input, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const got = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { score: number; format: number; accuracy: number });
      const want = CASES.map(([task, reference, output]) => {
        const format = formatReward(output);
        const accuracy = scoreOutput(task, reference, output).correct ? 1 : 0;
        return { score: format + accuracy, format, accuracy };
      });
      const disagreements = CASES.flatMap((c, i) => (JSON.stringify(got[i]) === JSON.stringify(want[i]) ? [] : [{ case: c, python: got[i], typescript: want[i] }]));
      expect(disagreements).toEqual([]);
      // The table exercises both outcomes of each reward.
      expect(new Set(want.map((w) => w.format))).toEqual(new Set([0, 1]));
      expect(new Set(want.map((w) => w.accuracy))).toEqual(new Set([0, 1]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("verl's entry points: compute_score (format + accuracy), compute_score_strict (DianJin-R1's rule), task from data_source", () => {
    const script = `${DIANJIN_REWARD_PY}
out = "<think>x</think><answer>\\\\boxed{B}</answer>"
print(compute_score("dianjin/cflue", out, "B", {"task": "cflue", "split": "train", "index": 0}))
print(compute_score("dianjin/cflue", out, "C"))
print(compute_score_strict("dianjin/cflue", out, "C", None))
print(compute_score_strict("dianjin/cflue", out, "B", None))
print(compute_score("dianjin/cflue", "B", "B"))
`;
    const run = spawnSync(python!, ['-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(['2.0', '1.0', '0.0', '1.0', '1.0']);
  });
});

describe.skipIf(Boolean(python))('dianjin_reward.py', () => {
  it.skip('is not run: no python3 on this machine (the agreement test needs a plain Python 3.8+, no packages)', () => {});
});
