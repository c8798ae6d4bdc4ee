/**
 * CFLUE knowledge questions (github.com/aliyun/cflue, data/knowledge/knowledge.json): `task` (单项选择题, 多项选择题,
 * 判断题), `question`, `choices` (a Python dict literal string such as `"{'A': '…', 'B': '…'}"`, or an object, an
 * array, or `A. …` lines), `answer` letters ("ABD"), sometimes `analysis` and the exam's `名称`. JSON arrays and JSONL.
 * The question keeps its type as a `【多项选择题】` label so the prompt can say whether one or several options are right.
 */
import type { Choices } from './choices';
import { parseChoices, splitOptions } from './choices';
import { fallbackId, idOf, skip, type Mapped } from './mapped';
import type { RawRecord } from './records';
import { cleanText, optionLetters, textOf } from './text';

const TYPE_LABELS: Record<string, string> = {
  单项选择题: '单项选择题',
  单选题: '单项选择题',
  多项选择题: '多项选择题',
  多选题: '多项选择题',
  不定项选择题: '不定项选择题',
  判断题: '判断题',
};

const TRUE_FALSE: Choices = { A: '对', B: '错' };

export function looksLikeCflue(r: Record<string, unknown>): boolean {
  return ('choices' in r || 'options' in r) && 'answer' in r && 'question' in r;
}

export function mapCflue(record: RawRecord): Mapped {
  const r = record.value;
  let question = cleanText(textOf(r.question));
  if (question === '') return skip('"question" is empty');
  const type = TYPE_LABELS[textOf(r.task) || textOf(r.type)] ?? null;

  let choices = parseChoices(r.choices ?? r.options);
  const inQuestion = splitOptions(question);
  if (inQuestion && (!choices || sameLetters(inQuestion.choices, choices))) {
    // The question repeats its options (or only it has them): keep the stem, the options live in `choices`.
    choices ??= inQuestion.choices;
    question = [inQuestion.stem, inQuestion.rest].filter((s) => s !== '').join('\n');
  }
  if (!choices && type === '判断题') choices = TRUE_FALSE;
  if (!choices) return skip('"choices" has no options (expected "A. …" lines, an object or an array)');
  choices = Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, cleanText(v)]));

  const answer = textOf(r.answer);
  if (answer === '') return skip('"answer" is empty');
  const reference = answerLetters(answer, choices);
  if (reference === null) return skip(`"answer" ${JSON.stringify(answer)} is not option letters among ${Object.keys(choices).join('')}`);

  if (type && !/^【[^】]*】/.test(question)) question = `【${type}】${question}`;
  return { ok: true, item: { id: idOf(r.id) ?? fallbackId(record), task: 'cflue', question, reference, choices } };
}

/** The answer as letters among `choices`: "A,B,D" → "ABD"; a true/false answer written as its option's text ("对", "错误") → its letter. */
export function answerLetters(answer: string, choices: Choices): string | null {
  const letters = optionLetters(answer);
  if (letters !== null) return [...letters].every((l) => l in choices) ? letters : null;
  const byText = Object.entries(choices).find(([, text]) => text === answer || TRUE_FALSE_ALIASES[answer] === text);
  return byText ? byText[0] : null;
}

const TRUE_FALSE_ALIASES: Record<string, string> = { 正确: '对', '√': '对', 是: '对', 错误: '错', '×': '错', 否: '错' };

const sameLetters = (a: Choices, b: Choices): boolean => Object.keys(a).sort().join('') === Object.keys(b).sort().join('');
