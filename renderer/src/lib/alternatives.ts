/**
 * Regenerated answers are saved at the end of the conversation but belong with the answer they are an alternative
 * of: the conversation is shown as questions and answer groups, each group the original then its alternatives.
 */
import type { MessageRecord } from '../contract';

export type ConversationItem =
  | { kind: 'user'; message: MessageRecord }
  /** `answers[0]` is the original; the rest are its alternatives, oldest first. */
  | { kind: 'answers'; id: string; answers: MessageRecord[] };

export function groupAlternatives(messages: readonly MessageRecord[]): ConversationItem[] {
  const items: ConversationItem[] = [];
  const groups = new Map<string, MessageRecord[]>();
  for (const message of messages) {
    if (message.role === 'user') {
      items.push({ kind: 'user', message });
      continue;
    }
    const group = message.alternativeOf !== null ? groups.get(message.alternativeOf) : undefined;
    if (group) {
      group.push(message);
      continue;
    }
    // An original, or an alternative whose original is gone: a group of its own.
    const answers = [message];
    groups.set(message.id, answers);
    items.push({ kind: 'answers', id: message.id, answers });
  }
  return items;
}

/** The id the group's alternatives point at, for an answer of the group. */
export function originalId(message: Pick<MessageRecord, 'id' | 'alternativeOf'>): string {
  return message.alternativeOf ?? message.id;
}

/** The pair "Compare" opens: the original and the shown answer, or the first alternative when the original is shown. */
export function comparePair(answers: readonly Pick<MessageRecord, 'id'>[], selectedId: string): [string, string] | null {
  if (answers.length < 2) return null;
  const original = answers[0]!.id;
  return selectedId === original ? [original, answers[1]!.id] : [original, selectedId];
}

/** A typed seed: a whole number ≥ 0 (what the sampling settings accept), else null. */
export function parseSeed(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,15}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}
