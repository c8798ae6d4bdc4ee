import { randomUUID } from 'node:crypto';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { Citation } from '../../shared/documents';
import { MessageStatus, SamplingSettings, type MessageRecord, type MessageRole } from '../../shared/records';
import type { ConversationRepository } from './ConversationRepository';
import { titleFromQuestion } from './titles';
import type { FinishAssistantMessageInput, PartialMessageText, StartAssistantMessageInput } from './types';

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: MessageRole;
  content: string;
  reasoning: string;
  answer: string;
  status: string;
  error_code: string | null;
  error_message: string | null;
  model_path: string | null;
  model_name: string | null;
  model_hash: string | null;
  backend: string | null;
  sampling_json: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  ttft_ms: number | null;
  tokens_per_second: number | null;
  duration_ms: number | null;
  alternative_of: string | null;
  citations_json: string | null;
  created_at: number;
  updated_at: number;
}

interface InsertParams {
  id: string;
  conversationId: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  modelPath: string | null;
  modelName: string | null;
  modelHash: string | null;
  backend: string | null;
  samplingJson: string | null;
  alternativeOf: string | null;
  citationsJson: string | null;
  at: number;
}

interface FinishParams {
  id: string;
  status: MessageStatus;
  content: string;
  reasoning: string;
  answer: string;
  errorCode: string | null;
  errorMessage: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  ttftMs: number | null;
  tokensPerSecond: number | null;
  durationMs: number | null;
  modelHash: string | null;
  at: number;
}

function parseCitations(json: string | null): Citation[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as Citation[]) : [];
  } catch {
    return [];
  }
}

function parseSampling(json: string | null): SamplingSettings | null {
  if (json === null) return null;
  try {
    const parsed = SamplingSettings.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toRecord(row: MessageRow): MessageRecord {
  const status = MessageStatus.safeParse(row.status);
  const record: MessageRecord = {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role,
    content: row.content,
    reasoning: row.reasoning,
    answer: row.answer,
    // A status written by a newer build reads as 'interrupted': shown, not resumable.
    status: status.success ? status.data : 'interrupted',
    errorCode: row.error_code,
    errorMessage: row.error_message,
    modelPath: row.model_path,
    modelName: row.model_name,
    modelHash: row.model_hash,
    backend: row.backend,
    sampling: parseSampling(row.sampling_json),
    alternativeOf: row.alternative_of ?? null,
    citations: parseCitations(row.citations_json),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  // Stats are optional in MessageRecord: absent (not null) until a generation finished.
  if (row.prompt_tokens !== null) record.promptTokens = row.prompt_tokens;
  if (row.completion_tokens !== null) record.completionTokens = row.completion_tokens;
  if (row.ttft_ms !== null) record.ttftMs = row.ttft_ms;
  if (row.tokens_per_second !== null) record.tokensPerSecond = row.tokens_per_second;
  if (row.duration_ms !== null) record.durationMs = row.duration_ms;
  return record;
}

function messageNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', 'This message no longer exists; its conversation may have been deleted.', { messageId: id });
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const finishedStatuses = MessageStatus.exclude(['streaming']);

export class MessageRepository {
  readonly #now: () => number;
  readonly #conversations: ConversationRepository;
  readonly #insert: Statement<[InsertParams]>;
  readonly #get: Statement<[string], MessageRow>;
  readonly #listByConversation: Statement<[string], MessageRow>;
  readonly #savePartial: Statement<[string, string, string, number, string]>;
  readonly #finish: Statement<[FinishParams]>;
  readonly #conversationOf: Statement<[string], { conversation_id: string }>;
  readonly #markInterrupted: Statement<[]>;
  readonly #addUserTx: Transaction<(conversationId: string, content: string) => string>;
  readonly #startAssistantTx: Transaction<(conversationId: string, input: StartAssistantMessageInput) => string>;
  readonly #finishTx: Transaction<(params: FinishParams) => void>;

  constructor(db: Database, conversations: ConversationRepository, now: () => number) {
    this.#now = now;
    this.#conversations = conversations;

    // seq is computed inside the INSERT, under the write lock, so concurrent writers cannot collide.
    this.#insert = db.prepare(/* sql */ `
      INSERT INTO messages (id, conversation_id, seq, role, content, status,
                            model_path, model_name, model_hash, backend, sampling_json, alternative_of, citations_json, created_at, updated_at)
      VALUES (@id, @conversationId,
              (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = @conversationId),
              @role, @content, @status, @modelPath, @modelName, @modelHash, @backend, @samplingJson, @alternativeOf, @citationsJson, @at, @at)`);
    this.#get = db.prepare('SELECT * FROM messages WHERE id = ?');
    this.#listByConversation = db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq');
    // The streaming hot path: one row, one statement. It leaves the conversation's updated_at alone; start and finish
    // stamp it. Only a message still streaming is written, so a late partial cannot undo a finish.
    this.#savePartial = db.prepare(
      "UPDATE messages SET content = ?, reasoning = ?, answer = ?, updated_at = ? WHERE id = ? AND status = 'streaming'",
    );
    this.#finish = db.prepare(/* sql */ `
      UPDATE messages SET status = @status, content = @content, reasoning = @reasoning, answer = @answer,
             error_code = @errorCode, error_message = @errorMessage,
             prompt_tokens = @promptTokens, completion_tokens = @completionTokens, ttft_ms = @ttftMs,
             tokens_per_second = @tokensPerSecond, duration_ms = @durationMs, updated_at = @at,
             model_hash = COALESCE(model_hash, @modelHash)
      WHERE id = @id`);
    this.#conversationOf = db.prepare('SELECT conversation_id FROM messages WHERE id = ?');
    // updated_at is left as the time of the last saved token, so restarting the app does not reorder the list.
    this.#markInterrupted = db.prepare("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'");

    this.#addUserTx = db.transaction((conversationId: string, content: string) => {
      const at = this.#now();
      this.#conversations.touch(conversationId, at);
      const id = randomUUID();
      this.#insert.run({
        id, conversationId, role: 'user', content, status: 'complete',
        modelPath: null, modelName: null, modelHash: null, backend: null, samplingJson: null, alternativeOf: null, citationsJson: null, at,
      });
      this.#conversations.setTitleIfEmpty(conversationId, titleFromQuestion(content));
      return id;
    });
    this.#startAssistantTx = db.transaction((conversationId: string, input: StartAssistantMessageInput) => {
      const at = this.#now();
      this.#conversations.touch(conversationId, at);
      const id = randomUUID();
      this.#insert.run({
        id, conversationId, role: 'assistant', content: '', status: 'streaming',
        modelPath: input.modelPath, modelName: input.modelName, modelHash: input.modelHash ?? null,
        backend: input.backend ?? null, samplingJson: JSON.stringify(input.sampling), alternativeOf: input.alternativeOf ?? null,
        citationsJson: input.citations && input.citations.length > 0 ? JSON.stringify(input.citations) : null, at,
      });
      return id;
    });
    this.#finishTx = db.transaction((params: FinishParams) => {
      const owner = this.#conversationOf.get(params.id);
      if (!owner) throw messageNotFound(params.id);
      this.#finish.run(params);
      this.#conversations.touch(owner.conversation_id, params.at);
    });
  }

  /** Throws AppError('NOT_FOUND'). */
  get(id: string): MessageRecord {
    const row = this.#get.get(id);
    if (!row) throw messageNotFound(id);
    return toRecord(row);
  }

  /** In conversation order (seq). */
  listByConversation(conversationId: string): MessageRecord[] {
    return this.#listByConversation.all(conversationId).map(toRecord);
  }

  /**
   * Saves the question; the first one names a conversation whose title is ''.
   * Throws AppError 'EMPTY_QUESTION' or 'CONVERSATION_NOT_FOUND'.
   */
  addUser(conversationId: string, content: string): MessageRecord {
    if (typeof content !== 'string' || content.trim() === '') {
      throw new AppError('EMPTY_QUESTION', 'Type a question before sending.');
    }
    return this.get(this.#addUserTx.immediate(conversationId, content));
  }

  /** Creates an empty assistant message with status 'streaming'. Throws AppError 'INVALID_INPUT' or 'CONVERSATION_NOT_FOUND'. */
  startAssistant(conversationId: string, input: StartAssistantMessageInput): MessageRecord {
    const sampling = SamplingSettings.safeParse(input.sampling);
    if (!sampling.success) {
      throw new AppError('INVALID_INPUT', `Invalid sampling settings: ${sampling.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return this.get(this.#startAssistantTx.immediate(conversationId, { ...input, sampling: sampling.data }));
  }

  /**
   * Overwrites the streamed text so far. Cheap enough to call every few hundred ms (one prepared UPDATE; with WAL and
   * synchronous=NORMAL there is no fsync per call). Returns false when the message is gone or no longer streaming.
   */
  savePartial(messageId: string, text: PartialMessageText): boolean {
    return this.#savePartial.run(text.content, text.reasoning, text.answer, this.#now(), messageId).changes > 0;
  }

  /**
   * Records the final text, status and stats. Allowed whatever the current status, so an error report can replace an
   * 'interrupted' mark made after a crash. Throws AppError 'INVALID_INPUT' or 'NOT_FOUND'.
   */
  finishAssistant(messageId: string, input: FinishAssistantMessageInput): MessageRecord {
    const status = finishedStatuses.safeParse(input.status);
    if (!status.success) {
      throw new AppError('INVALID_INPUT', `A finished message needs a final status (${finishedStatuses.options.join(', ')}), not "${String(input.status)}".`);
    }
    this.#finishTx.immediate({
      id: messageId,
      status: status.data,
      content: input.content,
      reasoning: input.reasoning,
      answer: input.answer,
      errorCode: input.errorCode ?? null,
      errorMessage: input.errorMessage ?? null,
      promptTokens: finiteOrNull(input.promptTokens),
      completionTokens: finiteOrNull(input.completionTokens),
      ttftMs: finiteOrNull(input.ttftMs),
      tokensPerSecond: finiteOrNull(input.tokensPerSecond),
      durationMs: finiteOrNull(input.durationMs),
      modelHash: input.modelHash ?? null,
      at: this.#now(),
    });
    return this.get(messageId);
  }

  /** Every message still 'streaming' becomes 'interrupted', partial text kept. Returns how many. */
  markStreamingInterrupted(): number {
    return this.#markInterrupted.run().changes;
  }
}
