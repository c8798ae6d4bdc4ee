/**
 * DianJin-R1-Data (huggingface.co/datasets/DianJin/DianJin-R1-Data: train/cflue_mcq.json, cflue_oe.json,
 * fin_qa.json; the SFT copies named CFLUE_MCQ_SFT.json, CFLUE_Open_SFT.json, Fin-qa_SFT.json, ccc_r1_sft.json in
 * DianJin-R1/src/sft/dataset_info.json of github.com/aliyun/qwen-dianjin): JSON arrays of LLaMA-Factory Alpaca records,
 * `instruction` (the whole prompt: question, options or report) and `output`
 * (`<think>…</think><answer>…\boxed{X}</answer>`), some with `id`, `input` and `source`. The reference is the boxed
 * content of the answer (what DianJin-R1's reward_score_cflue.py compares), else the answer text. Chat-style copies
 * (`messages` with user/assistant turns, or ShareGPT `conversations`) read the same way.
 */
import type { EvalTask } from '../../../shared/evaluation';
import { answerLetters } from './cflue';
import { splitOptions } from './choices';
import { fallbackId, idOf, skip, type Mapped } from './mapped';
import type { RawRecord } from './records';
import { cleanText, isChinese, isVerdict, optionLetters, referenceFromOutput, stripLatexText, textOf } from './text';

export function looksLikeAlpaca(r: Record<string, unknown>): boolean {
  return (typeof r.instruction === 'string' && 'output' in r) || Array.isArray(r.messages) || Array.isArray(r.conversations);
}

/** The task a DianJin-R1-Data file holds, from its name (cflue_mcq → cflue, cflue_oe → open, fin_qa → finqa, ccc → ccc). */
export function taskFromFileName(fileName: string): EvalTask | null {
  const name = fileName.toLowerCase();
  if (/mcq/.test(name)) return 'cflue';
  if (/(^|[^a-z])(oe|open)([^a-z]|$)/.test(name)) return 'open';
  if (/fin[-_ ]?qa/.test(name)) return 'finqa';
  if (/(^|[^a-z])ccc([^a-z]|$)/.test(name)) return 'ccc';
  return null;
}

interface PromptAndOutput {
  prompt: string;
  output: string;
}

function promptAndOutput(r: Record<string, unknown>): PromptAndOutput | null {
  if (typeof r.instruction === 'string') {
    const input = textOf(r.input);
    return { prompt: [r.instruction.trim(), input].filter((s) => s !== '').join('\n'), output: textOf(r.output) };
  }
  const turns = (Array.isArray(r.messages) ? r.messages : Array.isArray(r.conversations) ? r.conversations : []) as unknown[];
  let prompt = '';
  let output = '';
  for (const t of turns) {
    if (typeof t !== 'object' || t === null) continue;
    const turn = t as Record<string, unknown>;
    const role = textOf(turn.role ?? turn.from).toLowerCase();
    const content = textOf(turn.content ?? turn.value);
    if (role === 'user' || role === 'human') prompt = content;
    else if ((role === 'assistant' || role === 'gpt') && prompt !== '') output = content;
  }
  return prompt === '' ? null : { prompt, output };
}

/**
 * One record as an item of `fileTask` (from the file's name), or of the task its content shows when the name says
 * nothing. CFLUE's application records (also Alpaca-shaped) come here with `fileTask` 'open'.
 */
export function mapDianJinRecord(record: RawRecord, fileTask: EvalTask | null): Mapped {
  const pair = promptAndOutput(record.value);
  if (!pair) return skip('"instruction" is empty');
  const prompt = cleanText(pair.prompt);
  if (prompt === '') return skip('"instruction" is empty');
  if (pair.output === '') return skip('"output" is empty');
  const answer = referenceFromOutput(cleanText(pair.output));
  if (answer === '') return skip('"output" has no answer');
  const id = idOf(record.value.id) ?? fallbackId(record);
  const options = splitOptions(prompt);
  const task = fileTask ?? inferTask(prompt, answer, options !== null);

  switch (task) {
    case 'cflue': {
      if (options) {
        const reference = answerLetters(stripLatexText(answer), options.choices);
        if (reference === null) return skip(`the answer ${JSON.stringify(answer)} is not option letters among ${Object.keys(options.choices).join('')}`);
        // Text after the options is the set's own instruction (how to answer); the prompt says that itself.
        return { ok: true, item: { id, task, question: options.stem, reference, choices: options.choices } };
      }
      const reference = optionLetters(answer);
      if (reference === null) return skip(`the answer ${JSON.stringify(answer)} is not option letters`);
      return { ok: true, item: { id, task, question: prompt, reference } };
    }
    case 'ccc':
      if (!isVerdict(answer)) return skip(`the answer ${JSON.stringify(answer)} is not a verdict (合规/违规, compliant/non-compliant, yes/no)`);
      return { ok: true, item: { id, task, question: prompt, reference: stripLatexText(answer) } };
    default:
      return { ok: true, item: { id, task, question: prompt, reference: task === 'finqa' ? stripLatexText(answer) : answer } };
  }
}

/** Options in the prompt and a letters answer → cflue; a Chinese verdict → ccc; English → finqa (the set's only English part); else open. */
function inferTask(prompt: string, answer: string, hasOptions: boolean): EvalTask {
  if (hasOptions && optionLetters(answer) !== null) return 'cflue';
  const chinese = isChinese(prompt);
  if (chinese && /合规|违规/.test(answer) && isVerdict(answer)) return 'ccc';
  if (!chinese) return 'finqa';
  return 'open';
}
