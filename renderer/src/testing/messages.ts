/** Test helper: a complete MessageRecord with defaults, for renderer unit tests. */
import type { MessageRecord } from '../contract';

export function testMessage(partial: Partial<MessageRecord> & Pick<MessageRecord, 'id' | 'role'>): MessageRecord {
  return {
    conversationId: 'c1',
    content: '',
    reasoning: '',
    answer: '',
    status: 'complete',
    errorCode: null,
    errorMessage: null,
    modelPath: null,
    modelName: null,
    modelHash: null,
    backend: null,
    sampling: null,
    alternativeOf: null,
    citations: [],
    createdAt: 1,
    updatedAt: 1,
    ...partial,
  };
}
