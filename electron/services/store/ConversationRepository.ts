import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { ConversationSummary } from '../../shared/records';
import { normalizeTitle } from './titles';

interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

const selectSummary = /* sql */ `
  SELECT c.id, c.title, c.created_at, c.updated_at,
         (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count
  FROM conversations c`;

function toSummary(row: ConversationRow): ConversationSummary {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, messageCount: row.message_count };
}

export function conversationNotFound(id: string): AppError {
  return new AppError('CONVERSATION_NOT_FOUND', 'This conversation no longer exists; it may have been deleted. Pick another one from the list.', {
    conversationId: id,
  });
}

export class ConversationRepository {
  readonly #now: () => number;
  readonly #insert: Statement<[string, string, number, number]>;
  // Ties (same millisecond) fall back to insertion order, newest first.
  readonly #list: Statement<[], ConversationRow>;
  readonly #get: Statement<[string], ConversationRow>;
  readonly #rename: Statement<[string, string]>;
  readonly #delete: Statement<[string]>;
  readonly #touch: Statement<[number, string]>;
  readonly #setTitleIfEmpty: Statement<[string, string]>;
  readonly #attach: Statement<[string, string, number]>;
  readonly #detach: Statement<[string, string]>;
  readonly #attached: Statement<[string], { document_id: string }>;

  constructor(db: Database, now: () => number) {
    this.#now = now;
    this.#insert = db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)');
    this.#list = db.prepare(`${selectSummary} ORDER BY c.updated_at DESC, c.rowid DESC`);
    this.#get = db.prepare(`${selectSummary} WHERE c.id = ?`);
    // Renaming does not move the conversation in the list: only new messages do.
    this.#rename = db.prepare('UPDATE conversations SET title = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM conversations WHERE id = ?');
    // MAX keeps updated_at monotonic if the wall clock steps back.
    this.#touch = db.prepare('UPDATE conversations SET updated_at = MAX(updated_at, ?) WHERE id = ?');
    this.#setTitleIfEmpty = db.prepare("UPDATE conversations SET title = ? WHERE id = ? AND title = ''");
    this.#attach = db.prepare('INSERT OR IGNORE INTO conversation_documents (conversation_id, document_id, attached_at) VALUES (?, ?, ?)');
    this.#detach = db.prepare('DELETE FROM conversation_documents WHERE conversation_id = ? AND document_id = ?');
    this.#attached = db.prepare('SELECT document_id FROM conversation_documents WHERE conversation_id = ? ORDER BY attached_at, document_id');
  }

  /** Library documents attached to the conversation, in the order they were attached. */
  documentIds(conversationId: string): string[] {
    return this.#attached.all(conversationId).map((row) => row.document_id);
  }

  /** Attaches and detaches documents so the conversation has exactly `documentIds`. */
  setDocuments(conversationId: string, documentIds: readonly string[]): void {
    this.get(conversationId);
    const at = this.#now();
    const current = new Set(this.documentIds(conversationId));
    for (const id of current) if (!documentIds.includes(id)) this.#detach.run(conversationId, id);
    for (const id of documentIds) if (!current.has(id)) this.#attach.run(conversationId, id, at);
  }

  /** An empty title means "name it after the first question". */
  create(title = ''): ConversationSummary {
    const normalized = normalizeTitle(title, 0);
    const id = randomUUID();
    const at = this.#now();
    this.#insert.run(id, normalized, at, at);
    return { id, title: normalized, createdAt: at, updatedAt: at, messageCount: 0 };
  }

  /** Most recently active first. */
  list(): ConversationSummary[] {
    return this.#list.all().map(toSummary);
  }

  /** Throws AppError('CONVERSATION_NOT_FOUND'). */
  get(id: string): ConversationSummary {
    const row = this.#get.get(id);
    if (!row) throw conversationNotFound(id);
    return toSummary(row);
  }

  /** Title is trimmed and must be 1–200 characters (AppError 'INVALID_INPUT'). */
  rename(id: string, title: string): ConversationSummary {
    const normalized = normalizeTitle(title, 1);
    if (this.#rename.run(normalized, id).changes === 0) throw conversationNotFound(id);
    return this.get(id);
  }

  /** Deletes the conversation and, by cascade, its messages. Throws AppError('CONVERSATION_NOT_FOUND'). */
  delete(id: string): void {
    if (this.#delete.run(id).changes === 0) throw conversationNotFound(id);
  }

  /** Marks activity; throws AppError('CONVERSATION_NOT_FOUND'), which doubles as the existence check for writers. */
  touch(id: string, at: number = this.#now()): void {
    if (this.#touch.run(at, id).changes === 0) throw conversationNotFound(id);
  }

  /** Used when the first question arrives; a title the user set is kept. */
  setTitleIfEmpty(id: string, title: string): boolean {
    return this.#setTitleIfEmpty.run(title, id).changes > 0;
  }
}
