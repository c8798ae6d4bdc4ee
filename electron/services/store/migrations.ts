/**
 * Schema migrations, applied in order and tracked with `PRAGMA user_version`.
 * Append only: a released migration is never edited, a change is a new entry with the next version.
 */
import type { Database } from 'better-sqlite3';
import { AppError } from '../../shared/errors';

export interface Migration {
  /** 1, 2, 3… — equals the user_version the database has once this migration ran. */
  version: number;
  /** Short description, for logs and errors. */
  name: string;
  /** SQL run with `exec`, or a function for migrations that need to move data. */
  up: string | ((db: Database) => void);
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'conversations, messages, settings',
    up: /* sql */ `
      CREATE TABLE conversations (
        id         TEXT PRIMARY KEY NOT NULL,
        title      TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX conversations_by_updated_at ON conversations (updated_at DESC);

      CREATE TABLE messages (
        id                TEXT PRIMARY KEY NOT NULL,
        conversation_id   TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq               INTEGER NOT NULL,
        role              TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content           TEXT NOT NULL DEFAULT '',
        reasoning         TEXT NOT NULL DEFAULT '',
        answer            TEXT NOT NULL DEFAULT '',
        -- No CHECK on status: adding a status later would otherwise need a table rebuild.
        status            TEXT NOT NULL,
        error_code        TEXT,
        error_message     TEXT,
        model_path        TEXT,
        model_name        TEXT,
        model_hash        TEXT,
        backend           TEXT,
        sampling_json     TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        ttft_ms           REAL,
        tokens_per_second REAL,
        duration_ms       REAL,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      );
      -- Serves ordering, MAX(seq) for the next message, counts, and the FK lookup on cascade delete.
      CREATE UNIQUE INDEX messages_by_conversation_seq ON messages (conversation_id, seq);
      -- markStreamingInterrupted runs at every start; this keeps it from scanning the whole history.
      CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

      CREATE TABLE settings (
        key        TEXT PRIMARY KEY NOT NULL,
        value_json TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'alternative answers (regenerate)',
    up: /* sql */ `
      -- An assistant message regenerated for the same question points at the answer it is an alternative of.
      ALTER TABLE messages ADD COLUMN alternative_of TEXT REFERENCES messages (id) ON DELETE SET NULL;
    `,
  },
  {
    version: 3,
    name: 'document library: documents, pages, tables, chunks, keyword indexes',
    up: /* sql */ `
      CREATE TABLE documents (
        id              TEXT PRIMARY KEY NOT NULL,
        file_name       TEXT NOT NULL,
        title           TEXT,
        format          TEXT NOT NULL,
        size_bytes      INTEGER NOT NULL,
        -- The same file added twice is one document.
        sha256          TEXT NOT NULL UNIQUE,
        page_count      INTEGER NOT NULL,
        table_count     INTEGER NOT NULL,
        chunk_count     INTEGER NOT NULL,
        warnings_json   TEXT NOT NULL DEFAULT '[]',
        embedded        INTEGER NOT NULL DEFAULT 0,
        embedding_model TEXT,
        created_at      INTEGER NOT NULL
      );
      CREATE INDEX documents_by_created_at ON documents (created_at DESC);

      CREATE TABLE document_pages (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        number      INTEGER NOT NULL,
        label       TEXT,
        text        TEXT NOT NULL,
        PRIMARY KEY (document_id, number)
      ) WITHOUT ROWID;

      CREATE TABLE document_tables (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        page        INTEGER NOT NULL,
        -- 0-based across the whole document, in reading order.
        table_index INTEGER NOT NULL,
        title       TEXT,
        units       TEXT,
        header_rows INTEGER NOT NULL,
        rows_json   TEXT NOT NULL,
        PRIMARY KEY (document_id, table_index)
      ) WITHOUT ROWID;
      CREATE INDEX document_tables_by_page ON document_tables (document_id, page);

      -- AUTOINCREMENT: a chunk id (cited in saved answers, the rowid of both keyword indexes and of the vector table)
      -- is never reused for another chunk after its document is removed.
      CREATE TABLE chunks (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        page         INTEGER NOT NULL,
        seq          INTEGER NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('text', 'table')),
        table_index  INTEGER,
        heading_path TEXT NOT NULL DEFAULT '',
        text         TEXT NOT NULL
      );
      CREATE UNIQUE INDEX chunks_by_document_seq ON chunks (document_id, seq);

      -- Substring search for Chinese terms of 3+ characters (Chinese has no spaces to split words on). External content: the
      -- text is stored once (in chunks), highlight() still works, and the triggers keep it in step, cascades included.
      CREATE VIRTUAL TABLE chunks_fts USING fts5 (text, content = 'chunks', content_rowid = 'id', tokenize = 'trigram');
      CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
        DELETE FROM chunk_terms WHERE rowid = old.id;
      END;
      -- No UPDATE trigger: chunks are never edited; a changed file is a new document (its sha256 differs).

      -- Everything else (1–2 character terms like 营收, EV, Q3; English words): Chinese runs written as overlapping
      -- bigrams plus each run's last character, other text as words. Filled by the application (no SQL for bigrams), so
      -- contentless; contentless_delete lets the chunk trigger above remove a row by rowid.
      CREATE VIRTUAL TABLE chunk_terms USING fts5 (terms, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');

      -- Key/value facts about the library, e.g. the embedding dimension the vector table was created with.
      CREATE TABLE retrieval_meta (
        key        TEXT PRIMARY KEY NOT NULL,
        value_json TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'documents attached to conversations, citations on answers',
    up: /* sql */ `
      CREATE TABLE conversation_documents (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        document_id     TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        attached_at     INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, document_id)
      ) WITHOUT ROWID;
      CREATE INDEX conversation_documents_by_document ON conversation_documents (document_id);
      -- The passages an answer was given, numbered as the answer cites them ([1], [2]…).
      ALTER TABLE messages ADD COLUMN citations_json TEXT;
    `,
  },
  {
    version: 5,
    name: 'evaluation sets, runs and results',
    up: /* sql */ `
      CREATE TABLE eval_sets (
        id            TEXT PRIMARY KEY NOT NULL,
        name          TEXT NOT NULL,
        format        TEXT NOT NULL,
        file_name     TEXT,
        -- SHA-256 of the imported file, so importing the same file again reuses the set (and its runs compare).
        content_hash  TEXT,
        item_count    INTEGER NOT NULL,
        tasks_json    TEXT NOT NULL,
        warnings_json TEXT NOT NULL,
        created_at    INTEGER NOT NULL
      );
      CREATE INDEX eval_sets_by_hash ON eval_sets (content_hash);

      CREATE TABLE eval_items (
        set_id       TEXT NOT NULL REFERENCES eval_sets (id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        item_id      TEXT NOT NULL,
        task         TEXT NOT NULL,
        question     TEXT NOT NULL,
        reference    TEXT NOT NULL,
        context      TEXT,
        choices_json TEXT,
        PRIMARY KEY (set_id, seq)
      ) WITHOUT ROWID;

      -- A run keeps its set's name and its planned items, so it stays readable after the set is removed.
      CREATE TABLE eval_runs (
        id             TEXT PRIMARY KEY NOT NULL,
        set_id         TEXT NOT NULL,
        set_name       TEXT NOT NULL,
        label          TEXT NOT NULL,
        target_json    TEXT NOT NULL,
        judge_json     TEXT,
        sampling_json  TEXT NOT NULL,
        context_size   INTEGER,
        model_name     TEXT NOT NULL,
        quantization   TEXT,
        adapter_name   TEXT,
        status         TEXT NOT NULL,
        item_ids_json  TEXT NOT NULL,
        error_code     TEXT,
        error_message  TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      );

      CREATE TABLE eval_results (
        run_id            TEXT NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
        item_id           TEXT NOT NULL,
        seq               INTEGER NOT NULL,
        task              TEXT NOT NULL,
        question          TEXT NOT NULL,
        context           TEXT,
        choices_json      TEXT,
        reference         TEXT NOT NULL,
        output            TEXT NOT NULL DEFAULT '',
        reasoning         TEXT NOT NULL DEFAULT '',
        answer            TEXT NOT NULL DEFAULT '',
        predicted         TEXT,
        correct           INTEGER,
        format_ok         INTEGER NOT NULL DEFAULT 0,
        judged            INTEGER NOT NULL DEFAULT 0,
        judge_output      TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        seconds           REAL,
        error             TEXT,
        updated_at        INTEGER NOT NULL,
        PRIMARY KEY (run_id, item_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'fine-tuning jobs, loss series, checkpoints and samples',
    up: /* sql */ `
      CREATE TABLE train_jobs (
        id               TEXT PRIMARY KEY NOT NULL,
        name             TEXT NOT NULL,
        kind             TEXT NOT NULL,
        -- No CHECK on status: a new status later would otherwise need a table rebuild.
        status           TEXT NOT NULL,
        model_path       TEXT NOT NULL,
        model_name       TEXT NOT NULL,
        out_path         TEXT NOT NULL,
        job_dir          TEXT NOT NULL,
        config_json      TEXT NOT NULL,
        items            INTEGER NOT NULL,
        validation_items INTEGER NOT NULL,
        tokens           INTEGER NOT NULL,
        warnings_json    TEXT NOT NULL DEFAULT '[]',
        step             INTEGER NOT NULL DEFAULT 0,
        total_steps      INTEGER,
        checkpoint_step  INTEGER,
        backend          TEXT,
        elapsed_seconds  REAL NOT NULL DEFAULT 0,
        -- The process that runs the job (so another process can tell a running job from an abandoned one).
        owner_pid        INTEGER,
        error_code       TEXT,
        error_message    TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX train_jobs_by_created_at ON train_jobs (created_at DESC);

      CREATE TABLE train_points (
        job_id            TEXT NOT NULL REFERENCES train_jobs (id) ON DELETE CASCADE,
        step              INTEGER NOT NULL,
        epoch             INTEGER NOT NULL,
        loss              REAL NOT NULL,
        tokens            INTEGER NOT NULL,
        tokens_per_second REAL NOT NULL,
        peak_memory_bytes INTEGER NOT NULL,
        lr                REAL NOT NULL,
        elapsed_seconds   REAL NOT NULL,
        PRIMARY KEY (job_id, step)
      ) WITHOUT ROWID;

      CREATE TABLE train_validation (
        job_id TEXT NOT NULL REFERENCES train_jobs (id) ON DELETE CASCADE,
        step   INTEGER NOT NULL,
        loss   REAL NOT NULL,
        PRIMARY KEY (job_id, step)
      ) WITHOUT ROWID;

      CREATE TABLE train_checkpoints (
        job_id       TEXT NOT NULL REFERENCES train_jobs (id) ON DELETE CASCADE,
        step         INTEGER NOT NULL,
        adapter_path TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (job_id, step)
      ) WITHOUT ROWID;

      CREATE TABLE train_samples (
        job_id    TEXT NOT NULL REFERENCES train_jobs (id) ON DELETE CASCADE,
        step      INTEGER NOT NULL,
        seq       INTEGER NOT NULL,
        question  TEXT NOT NULL,
        reference TEXT NOT NULL,
        output    TEXT NOT NULL,
        PRIMARY KEY (job_id, step, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'GRPO jobs and their steps',
    up: /* sql */ `
      CREATE TABLE grpo_jobs (
        id               TEXT PRIMARY KEY NOT NULL,
        name             TEXT NOT NULL,
        -- No CHECK on status (as train_jobs).
        status           TEXT NOT NULL,
        model_path       TEXT NOT NULL,
        model_name       TEXT NOT NULL,
        init_adapter     TEXT,
        out_path         TEXT NOT NULL,
        data_path        TEXT NOT NULL,
        work_dir         TEXT NOT NULL,
        config_json      TEXT NOT NULL,
        items            INTEGER NOT NULL,
        threads          INTEGER NOT NULL DEFAULT 0,
        warnings_json    TEXT NOT NULL DEFAULT '[]',
        step             INTEGER NOT NULL DEFAULT 0,
        total_steps      INTEGER NOT NULL,
        checkpoint_step  INTEGER,
        elapsed_seconds  REAL NOT NULL DEFAULT 0,
        owner_pid        INTEGER,
        error_code       TEXT,
        error_message    TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX grpo_jobs_by_created_at ON grpo_jobs (created_at DESC);

      -- A row per step: the numbers of GrpoStepRecord, and its sampled groups as JSON (kept for recent steps only).
      CREATE TABLE grpo_steps (
        job_id                    TEXT NOT NULL REFERENCES grpo_jobs (id) ON DELETE CASCADE,
        step                      INTEGER NOT NULL,
        reward_mean               REAL NOT NULL,
        reward_std                REAL NOT NULL,
        format_reward             REAL NOT NULL,
        accuracy_reward           REAL NOT NULL,
        length                    REAL NOT NULL,
        loss                      REAL,
        rollout_tokens_per_second REAL,
        train_tokens_per_second   REAL,
        seconds                   REAL NOT NULL,
        peak_memory_bytes         INTEGER,
        groups_json               TEXT,
        PRIMARY KEY (job_id, step)
      ) WITHOUT ROWID;
    `,
  },
];

/** The schema version this build writes. */
export const schemaVersion: number = migrations.length;

export interface MigrationResult {
  from: number;
  to: number;
}

function assertOrdered(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new AppError('INTERNAL', `Migration "${m.name}" has version ${m.version}, expected ${i + 1}.`);
  });
}

function readVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(version: number, known: number): AppError {
  return new AppError(
    'INTERNAL',
    `This database was written by a newer version of DianJin Workbench (schema version ${version}; this version understands up to ${known}). ` +
      'Update DianJin Workbench, or set DIANJIN_HOME to a different folder to start with an empty one.',
    { schemaVersion: version, supportedVersion: known },
  );
}

/**
 * Brings the database up to the latest schema, all pending migrations in one IMMEDIATE transaction (so the app and the
 * CLI opening the same file at once cannot both migrate). Throws AppError('INTERNAL') for a database from the future.
 */
export function migrate(db: Database, list: readonly Migration[] = migrations): MigrationResult {
  assertOrdered(list);
  const latest = list.length;
  const before = readVersion(db);
  if (before > latest) throw refuseNewer(before, latest);
  if (before === latest) return { from: before, to: before };

  const run = db.transaction((): MigrationResult => {
    // Re-read under the write lock: another process may have migrated since the first read.
    const from = readVersion(db);
    if (from > latest) throw refuseNewer(from, latest);
    for (const m of list.slice(from)) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      // user_version lives in the database header and is part of the transaction.
      db.pragma(`user_version = ${m.version}`);
    }
    return { from, to: latest };
  });
  return run.immediate();
}
