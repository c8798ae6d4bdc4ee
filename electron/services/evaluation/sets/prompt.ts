/**
 * The prompt an evaluation item is asked with, in DianJin-R1's answer format: reasoning in `<think>…</think>`, then
 * `<answer>…</answer>` with the final answer in `\boxed{}` (the format its SFT data and GRPO format reward use:
 * DianJin-R1/README.md and src/rl/reward_score_cflue.py in github.com/aliyun/qwen-dianjin). DianJin-R1's own
 * evaluation prompts are not published; the multiple-choice wording follows CFLUE's official template
 * (github.com/aliyun/cflue utils/format_example.py: "假设你是一位金融行业专家，请回答下列问题。注意：题目是单选题…"),
 * with its "答案：/解析：" output lines replaced by the boxed answer. English items get English instructions,
 * Chinese items Chinese ones; what goes in the box is said per task (option letters, a number, a verdict).
 */
import type { EvalItem } from '../../../shared/evaluation';
import { isChinese } from './text';

export interface EvalTurn {
  role: 'system' | 'user';
  content: string;
}

export type PromptLanguage = 'en' | 'zh';

const SYSTEM: Record<PromptLanguage, string> = {
  zh: '你是一位金融领域的专家。回答时，先在<think>和</think>之间写出逐步推理的过程，再在<answer>和</answer>之间给出最终回答，并把最终答案写在\\boxed{}中。格式：<think>推理过程</think><answer>最终回答，含\\boxed{答案}</answer>',
  en: 'You are a financial expert. When you answer, first reason step by step between <think> and </think>, then give your final response between <answer> and </answer>, with the final answer inside \\boxed{}. Format: <think>reasoning</think><answer>final response with \\boxed{answer}</answer>',
};

/** The language an item is asked in: Chinese when its question is (CJK outweighing Latin words), else English. */
export function promptLanguage(item: EvalItem): PromptLanguage {
  return isChinese(item.question) ? 'zh' : 'en';
}

/** The system and user turns for one item. */
export function evalTurns(item: EvalItem): EvalTurn[] {
  const lang = promptLanguage(item);
  return [
    { role: 'system', content: SYSTEM[lang] },
    { role: 'user', content: userPrompt(item, lang) },
  ];
}

function userPrompt(item: EvalItem, lang: PromptLanguage): string {
  switch (item.task) {
    case 'cflue':
      return choicePrompt(item, lang);
    case 'finqa':
      return join([
        lang === 'zh' ? '请根据以下财务资料回答问题。' : 'Answer the question using the financial report excerpt below.',
        contextBlock(item, lang === 'zh' ? '资料：' : 'Report:'),
        `${lang === 'zh' ? '问题：' : 'Question: '}${item.question}`,
        lang === 'zh'
          ? '请一步步思考，并只把最终数值放到\\boxed{}中（不带单位和文字），例如\\boxed{42.5}。'
          : 'Reason step by step, and put only the final number in \\boxed{}, without units or words, e.g. \\boxed{42.5}.',
      ]);
    case 'ccc':
      return join([
        lang === 'zh' ? '请根据金融监管要求，判断以下业务对话是否合规。' : 'Judge whether the following financial-services conversation complies with the regulations.',
        contextBlock(item, lang === 'zh' ? '对话：' : 'Conversation:'),
        `${lang === 'zh' ? '问题：' : 'Question: '}${item.question}`,
        verdictInstruction(item, lang),
      ]);
    case 'open':
      return join([
        contextBlock(item, lang === 'zh' ? '材料：' : 'Context:'),
        item.question,
        lang === 'zh' ? '请一步步思考，并把最终答案放到\\boxed{}中。' : 'Reason step by step, and put your final answer in \\boxed{}.',
      ]);
  }
}

type ChoiceKind = 'single' | 'multiple' | 'true-false' | 'unknown';

/** CFLUE questions carry their type as a label (`【多项选择题】`, kept by the importer); others say nothing. */
function choiceKind(question: string): ChoiceKind {
  if (/单项选择|单选/.test(question)) return 'single';
  if (/多项选择|多选|不定项/.test(question)) return 'multiple';
  if (/判断题/.test(question)) return 'true-false';
  if (/\(single[- ]choice\)|select one\b|choose one\b/i.test(question)) return 'single';
  if (/\(multiple[- ]choice\)|select all\b|choose all\b/i.test(question)) return 'multiple';
  return 'unknown';
}

const CHOICE_NOTE: Record<PromptLanguage, Record<ChoiceKind, string>> = {
  zh: {
    single: '注意：题目是单选题，只需要返回一个最合适的选项。',
    multiple: '注意：题目是多选题，可能存在多个正确的答案，请选出全部正确的选项。',
    'true-false': '注意：题目是判断题，请判断对错并选择对应的选项。',
    unknown: '注意：题目可能有一个或多个正确的选项，请选出全部正确的选项。',
  },
  en: {
    single: 'Note: exactly one option is correct.',
    multiple: 'Note: more than one option may be correct; choose all correct options.',
    'true-false': 'Note: this is a true/false question; choose the option that states the right judgement.',
    unknown: 'Note: one or more options may be correct; choose all correct options.',
  },
};

function choicePrompt(item: EvalItem, lang: PromptLanguage): string {
  const kind = choiceKind(item.question);
  const options = Object.entries(item.choices ?? {})
    .map(([letter, text]) => `${letter}. ${text}`)
    .join('\n');
  const box =
    lang === 'zh'
      ? kind === 'single' || kind === 'true-false'
        ? '请一步步思考，并只把答案选项的字母放到\\boxed{}中，例如\\boxed{A}。'
        : '请一步步思考，并只把答案选项的字母放到\\boxed{}中，多个选项按字母顺序连写，例如\\boxed{A}或\\boxed{ACD}。'
      : kind === 'single' || kind === 'true-false'
        ? 'Reason step by step, and put only the letter of the correct option in \\boxed{}, e.g. \\boxed{A}.'
        : 'Reason step by step, and put only the letters of the correct options in \\boxed{}, in alphabetical order, e.g. \\boxed{A} or \\boxed{ACD}.';
  return join([
    lang === 'zh' ? `假设你是一位金融行业专家，请回答下列问题。\n${CHOICE_NOTE.zh[kind]}` : `Answer the following multiple-choice question as a financial expert.\n${CHOICE_NOTE.en[kind]}`,
    contextBlock(item, lang === 'zh' ? '材料：' : 'Context:'),
    options === '' ? item.question : `${item.question}\n${options}`,
    box,
  ]);
}

/** What to box for a compliance case, in the words its reference uses (a yes/no set gets yes/no). */
function verdictInstruction(item: EvalItem, lang: PromptLanguage): string {
  const yesNo = /^(yes|no|是|否)$/i.test(item.reference.trim());
  if (lang === 'zh') {
    return yesNo
      ? '请一步步思考，结合监管要求分析对话，并只把“是”或“否”放到\\boxed{}中，即\\boxed{是}或\\boxed{否}。'
      : '请一步步思考，结合监管要求分析对话中是否存在违规行为，并只把结论“合规”或“违规”放到\\boxed{}中，即\\boxed{合规}或\\boxed{违规}。';
  }
  return yesNo
    ? 'Reason step by step about the regulations that apply, and put only yes or no in \\boxed{}: \\boxed{yes} or \\boxed{no}.'
    : 'Reason step by step about the regulations that apply, and put only the verdict in \\boxed{}: \\boxed{compliant} or \\boxed{non-compliant}.';
}

function contextBlock(item: EvalItem, label: string): string {
  const context = item.context?.trim();
  return context ? `${label}\n${context}` : '';
}

const join = (parts: string[]): string => parts.filter((p) => p !== '').join('\n\n');
