import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { AppSettings, ConversationRecord, ConversationSummary, MessageRecord } from '../../shared/records';
import { ConversationRepository } from './ConversationRepository';
import { MessageRepository } from './MessageRepository';
import { migrate } from './migrations';
import { SettingsRepository } from './SettingsRepository';
import type {
  DeepPartial,
  FinishAssistantMessageInput,
  PartialMessageText,
  StartAssistantMessageInput,
  StoreOptions,
} from './types';

const defaultBusyTimeoutMs = 5000;

export interface StoreDiagnostics {
  file: string;
  schemaVersion: number;
  /** 'wal' on disk, 'memory' for ':memory:'. */
  journalMode: string;
  /** SQLite's number: 1 = NORMAL. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
}

export interface StoreOpenOptions extends StoreOptions {
  /**
   * Path of better-sqlite3's compiled addon, for a runtime whose ABI differs from the one `npm install` built for (the
   * Electron main process in development; see scripts/electronNative.mjs). Defaults to the package's own build.
   */
  nativeBinding?: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The app's SQLite database: conversations, messages and settings. One instance per process, created by whoever wires
 * the services (main process, CLI, tests) and passed to the services that need it.
 */
export class Store {
  readonly file: string;
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  readonly settings: SettingsRepository;
  readonly #db: Database.Database;
  readonly #readConversation: Database.Transaction<(id: string) => ConversationRecord>;

  /**
   * The connection itself, for services that keep their own tables in the same file (the document library's index,
   * electron/services/retrieval). Their tables come from this store's migrations, so one file stays one schema.
   */
  get database(): Database.Database {
    return this.#db;
  }

  private constructor(db: Database.Database, file: string, now: () => number) {
    this.#db = db;
    this.file = file;
    this.conversations = new ConversationRepository(db, now);
    this.messages = new MessageRepository(db, this.conversations, now);
    this.settings = new SettingsRepository(db);
    // One read transaction: the summary and its messages come from the same snapshot.
    this.#readConversation = db.transaction((id: string) => ({
      ...this.conversations.get(id),
      messages: this.messages.listByConversation(id),
      documentIds: this.conversations.documentIds(id),
    }));
  }

  /**
   * Opens (creating if needed, parent folder included) and migrates the database. Throws AppError('INTERNAL') when the
   * file cannot be opened, is not a database, or was written by a newer version of the app.
   */
  static open(file: string, options: StoreOpenOptions = {}): Store {
    const busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
    const inMemory = file === ':memory:';
    let db: Database.Database;
    try {
      if (!inMemory) mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file, { timeout: busyTimeoutMs, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    } catch (error) {
      throw new AppError('INTERNAL', `Could not open the database at ${file}: ${describe(error)}. Check that the folder exists and is writable.`, {
        file,
      });
    }
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      // WAL: readers never block the writer, and a commit is an append, which keeps savePartial cheap.
      db.pragma('journal_mode = WAL');
      // With WAL, NORMAL is durable against application crashes (what we guard against); a power loss may drop the last
      // few commits, which for streamed partial text is acceptable.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new Store(db, inMemory ? file : path.resolve(file), options.now ?? Date.now);
    } catch (error) {
      db.close();
      if (error instanceof AppError) throw error;
      throw new AppError(
        'INTERNAL',
        `The database at ${file} could not be read: ${describe(error)}. It may be damaged; move it aside and restart to begin with an empty one.`,
        { file },
      );
    }
  }

  /** Connection settings as SQLite reports them, for the diagnostics screen and tests. */
  diagnostics(): StoreDiagnostics {
    const pragma = (name: string): unknown => this.#db.pragma(name, { simple: true });
    return {
      file: this.file,
      schemaVersion: pragma('user_version') as number,
      journalMode: String(pragma('journal_mode')),
      synchronous: pragma('synchronous') as number,
      foreignKeys: pragma('foreign_keys') === 1,
      busyTimeoutMs: pragma('busy_timeout') as number,
    };
  }

  get isOpen(): boolean {
    return this.#db.open;
  }

  /** Idempotent. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  // Conversations

  /** An empty title (the default) is replaced by the first question. Throws AppError('INVALID_INPUT') over 200 chars. */
  createConversation(title = ''): ConversationSummary {
    return this.conversations.create(title);
  }

  /** Most recently active first, with message counts. */
  listConversations(): ConversationSummary[] {
    return this.conversations.list();
  }

  /** With its messages in order. Throws AppError('CONVERSATION_NOT_FOUND'). */
  /** Throws AppError 'CONVERSATION_NOT_FOUND', or a foreign-key error for an unknown document (check first). */
  setConversationDocuments(conversationId: string, documentIds: readonly string[]): void {
    this.#db.transaction(() => this.conversations.setDocuments(conversationId, documentIds)).immediate();
  }

  getConversation(id: string): ConversationRecord {
    return this.#readConversation(id);
  }

  /** Trimmed, 1–200 characters (AppError 'INVALID_INPUT'). Throws AppError('CONVERSATION_NOT_FOUND'). */
  renameConversation(id: string, title: string): ConversationSummary {
    return this.conversations.rename(id, title);
  }

  /** Messages go with it. Throws AppError('CONVERSATION_NOT_FOUND'). */
  deleteConversation(id: string): void {
    this.conversations.delete(id);
  }

  // Messages

  /** Throws AppError 'EMPTY_QUESTION' or 'CONVERSATION_NOT_FOUND'. */
  addUserMessage(conversationId: string, content: string): MessageRecord {
    return this.messages.addUser(conversationId, content);
  }

  /** Status 'streaming', empty text. Throws AppError 'INVALID_INPUT' or 'CONVERSATION_NOT_FOUND'. */
  startAssistantMessage(conversationId: string, input: StartAssistantMessageInput): MessageRecord {
    return this.messages.startAssistant(conversationId, input);
  }

  /** Hot path (every few hundred ms while streaming). False when the message is gone or no longer streaming. */
  savePartial(messageId: string, text: PartialMessageText): boolean {
    return this.messages.savePartial(messageId, text);
  }

  /** Throws AppError 'INVALID_INPUT' (status 'streaming') or 'NOT_FOUND'. */
  finishAssistantMessage(messageId: string, input: FinishAssistantMessageInput): MessageRecord {
    return this.messages.finishAssistant(messageId, input);
  }

  /** Throws AppError('NOT_FOUND'). */
  getMessage(id: string): MessageRecord {
    return this.messages.get(id);
  }

  /** Call at startup and after the inference process died: 'streaming' → 'interrupted'. Returns how many. */
  markStreamingInterrupted(): number {
    return this.messages.markStreamingInterrupted();
  }

  // Settings

  getSettings(): AppSettings {
    return this.settings.get();
  }

  /** Throws AppError('INVALID_INPUT') with the zod issues. Returns the settings now in effect. */
  updateSettings(patch: DeepPartial<AppSettings>): AppSettings {
    return this.settings.update(patch);
  }
}
