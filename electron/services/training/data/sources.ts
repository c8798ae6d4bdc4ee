/**
 * Training examples from the app's own material: an evaluation run's items (the reference as the answer) and answers
 * from conversations (as the user corrected them, or as they are). Each source yields numbered items and notes, like
 * a file, so the preview shows them the same way.
 */
import type { EvalResultDetail, EvalResultRow } from '../../../shared/evaluation';
import type { ConversationRecord, MessageRecord } from '../../../shared/records';
import type { SftItem, TrainDataSource } from '../../../shared/training';
import { assertUsable, checkSftItem, readSftFile, type NumberedSftItem, type ParsedSftData } from './sftData';

/** What the sources read from: the evaluation runs and the conversation store. */
export interface SftSourceDeps {
  evalRows(runId: string): EvalResultRow[];
  evalResult(runId: string, itemId: string): EvalResultDetail;
  message(id: string): MessageRecord;
  conversation(id: string): ConversationRecord;
}

/**
 * An evaluation run's items as examples: the reference is the answer; the model's reasoning is kept when it answered
 * correctly (with `onlyCorrect: false`, items it got wrong come with no reasoning, which teaches the answer only).
 */
export function sftItemsFromEvalRun(deps: Pick<SftSourceDeps, 'evalRows' | 'evalResult'>, runId: string, onlyCorrect = true): ParsedSftData {
  const items: NumberedSftItem[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  deps.evalRows(runId).forEach((row, index) => {
    const line = index + 1;
    if (row.error) return void errors.push(`item ${row.itemId}: it failed to generate (${row.error})`);
    if (row.correct !== true && onlyCorrect) return void errors.push(`item ${row.itemId}: left out, the model's answer was not correct`);
    const detail = deps.evalResult(runId, row.itemId);
    const reasoning = row.correct === true ? detail.reasoning : '';
    const checked = checkSftItem({
      question: detail.question,
      reasoning,
      answer: detail.reference,
      task: detail.task,
      ...(detail.context ? { context: detail.context } : {}),
      ...(detail.choices ? { choices: detail.choices } : {}),
    });
    if ('problem' in checked) return void errors.push(`item ${row.itemId}: ${checked.problem}`);
    for (const note of checked.notes) warnings.push(`item ${row.itemId}: ${note}`);
    items.push({ line, item: checked.item });
  });
  return { items, errors, warnings };
}

/** The question an assistant message answered: the user message before it in its conversation. */
function questionOf(deps: Pick<SftSourceDeps, 'message' | 'conversation'>, message: MessageRecord): string | null {
  const { messages } = deps.conversation(message.conversationId);
  const index = messages.findIndex((m) => m.id === message.id);
  return messages.slice(0, index).findLast((m) => m.role === 'user')?.content ?? null;
}

/** Answers from conversations, with the user's corrections applied (a corrected answer replaces the model's). */
export function sftItemsFromMessages(
  deps: Pick<SftSourceDeps, 'message' | 'conversation'>,
  picks: ReadonlyArray<{ messageId: string; answer?: string | undefined; reasoning?: string | undefined }>,
): ParsedSftData {
  const items: NumberedSftItem[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  picks.forEach((pick, index) => {
    const line = index + 1;
    let message: MessageRecord;
    try {
      message = deps.message(pick.messageId);
    } catch {
      return void errors.push(`answer ${line}: message ${pick.messageId} no longer exists`);
    }
    if (message.role !== 'assistant') return void errors.push(`answer ${line}: message ${pick.messageId} is a question, not an answer`);
    const question = questionOf(deps, message);
    if (!question) return void errors.push(`answer ${line}: it has no question before it`);
    const checked = checkSftItem({ question, reasoning: pick.reasoning ?? message.reasoning, answer: pick.answer ?? message.answer });
    if ('problem' in checked) return void errors.push(`answer ${line}: ${checked.problem}`);
    for (const note of checked.notes) warnings.push(`answer ${line}: ${note}`);
    items.push({ line, item: checked.item });
  });
  return { items, errors, warnings };
}

/** Examples given inline (built in the UI): already validated by the API's schema. */
export function sftItemsFromList(list: readonly SftItem[]): ParsedSftData {
  const items: NumberedSftItem[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  list.forEach((raw, index) => {
    const checked = checkSftItem(raw);
    if ('problem' in checked) return void errors.push(`item ${index + 1}: ${checked.problem}`);
    for (const note of checked.notes) warnings.push(`item ${index + 1}: ${note}`);
    items.push({ line: index + 1, item: checked.item });
  });
  return { items, errors, warnings };
}

/** Reads any source; refuses one with nothing usable (TRAIN_DATA_INVALID). */
export async function readSftSource(source: TrainDataSource, deps: SftSourceDeps): Promise<ParsedSftData> {
  switch (source.kind) {
    case 'file':
      return readSftFile(source.path);
    case 'evalRun': {
      const parsed = sftItemsFromEvalRun(deps, source.runId, source.onlyCorrect);
      assertUsable(parsed, 'This evaluation run');
      return parsed;
    }
    case 'messages': {
      const parsed = sftItemsFromMessages(deps, source.items);
      assertUsable(parsed, 'The chosen answers');
      return parsed;
    }
    case 'items': {
      const parsed = sftItemsFromList(source.items);
      assertUsable(parsed, 'The examples');
      return parsed;
    }
  }
}
