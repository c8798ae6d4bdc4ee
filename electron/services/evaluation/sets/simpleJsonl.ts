/**
 * The project's own set format, one object a line: `id`, `task` (finqa, cflue, ccc, open), `question`, `reference`,
 * optional `context` (report text, a table, a dialogue) and `choices` (cflue options by letter, an array, or
 * `A. …` lines). A CCC-style compliance case is a dialogue in `context` and a verdict as its reference.
 */
import { EVAL_TASKS, type EvalTask } from '../../../shared/evaluation';
import { answerLetters } from './cflue';
import { parseChoices, splitOptions } from './choices';
import { fallbackId, idOf, skip, type Mapped } from './mapped';
import type { RawRecord } from './records';
import { cleanText, isVerdict, textOf } from './text';

const TASK_ALIASES: Record<string, EvalTask> = {
  finqa: 'finqa',
  'fin-qa': 'finqa',
  fin_qa: 'finqa',
  numeric: 'finqa',
  cflue: 'cflue',
  mcq: 'cflue',
  choice: 'cflue',
  ccc: 'ccc',
  compliance: 'ccc',
  open: 'open',
  oe: 'open',
};

export function looksLikeSimple(r: Record<string, unknown>): boolean {
  return 'reference' in r || ('task' in r && 'question' in r && typeof r.task === 'string' && textOf(r.task).toLowerCase() in TASK_ALIASES);
}

export function mapSimple(record: RawRecord): Mapped {
  const r = record.value;
  const rawTask = textOf(r.task);
  if (rawTask === '') return skip(`"task" is missing (${EVAL_TASKS.join(', ')})`);
  const task = TASK_ALIASES[rawTask.toLowerCase()];
  if (!task) return skip(`"task" ${JSON.stringify(rawTask)} is not one of ${EVAL_TASKS.join(', ')}`);
  let question = cleanText(textOf(r.question));
  if (question === '') return skip('"question" is empty');
  const referenceText = textOf(r.reference) || textOf(r.answer);
  if (referenceText === '') return skip('"reference" is empty');
  const context = contextOf(r.context);
  const id = idOf(r.id) ?? fallbackId(record);
  const base = { id, question, ...(context ? { context } : {}) };

  switch (task) {
    case 'cflue': {
      let choices = parseChoices(r.choices);
      if (!choices) {
        const inQuestion = splitOptions(question);
        if (inQuestion) {
          choices = inQuestion.choices;
          question = [inQuestion.stem, inQuestion.rest].filter((s) => s !== '').join('\n');
        }
      }
      if (!choices) return skip('"choices" is missing: a cflue item needs at least two options');
      const reference = answerLetters(referenceText, choices);
      if (reference === null) return skip(`"reference" ${JSON.stringify(referenceText)} is not option letters among ${Object.keys(choices).join('')}`);
      return { ok: true, item: { ...base, question, task, reference, choices } };
    }
    case 'ccc':
      if (!isVerdict(referenceText)) return skip(`"reference" ${JSON.stringify(referenceText)} is not a verdict (合规/违规, compliant/non-compliant, yes/no)`);
      return { ok: true, item: { ...base, task, reference: referenceText } };
    default:
      return { ok: true, item: { ...base, task, reference: referenceText } };
  }
}

/** Context as text: a string, lines of text, or dialogue turns (`{ role, content }` / `{ speaker, text }`) as "role: text" lines. */
function contextOf(value: unknown): string {
  if (typeof value === 'string') return cleanText(value);
  if (!Array.isArray(value)) return '';
  return value
    .map((v) => {
      if (typeof v === 'string') return v.trim();
      if (v && typeof v === 'object') {
        const t = v as Record<string, unknown>;
        const who = textOf(t.role ?? t.speaker ?? t.from);
        const said = textOf(t.content ?? t.text ?? t.value);
        return who && said ? `${who}: ${said}` : said;
      }
      return '';
    })
    .filter((s) => s !== '')
    .join('\n');
}
