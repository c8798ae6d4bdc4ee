import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { migrate, migrations, schemaVersion, type Migration } from './migrations';
import { Store } from './Store';
import { tempDir } from './testUtils';

describe('migrations', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('versions are 1..n in order', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(schemaVersion).toBe(migrations.length);
  });

  it('creates the schema on a fresh file and is a no-op on re-open', () => {
    Store.open(tmp.file).close();
    const db = new Database(tmp.file);
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['conversations', 'messages', 'settings', 'documents', 'chunks', 'conversation_documents']));
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['conversations_by_updated_at', 'messages_by_conversation_seq']));
    expect(migrate(db)).toEqual({ from: schemaVersion, to: schemaVersion });
    db.close();

    using store = Store.open(tmp.file);
    expect(store.listConversations()).toEqual([]);
  });

  it('sets WAL, foreign keys, busy timeout and synchronous=NORMAL', () => {
    using store = Store.open(tmp.file, { busyTimeoutMs: 1234 });
    expect(store.diagnostics()).toEqual({
      file: tmp.file,
      schemaVersion,
      journalMode: 'wal',
      synchronous: 1,
      foreignKeys: true,
      busyTimeoutMs: 1234,
    });
  });

  it('applies only pending migrations, in one transaction, and rolls back a failing one', () => {
    const db = new Database(tmp.file);
    const list: Migration[] = [
      { version: 1, name: 'a', up: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'b', up: 'CREATE TABLE b (x INTEGER)' },
    ];
    expect(migrate(db, list.slice(0, 1))).toEqual({ from: 0, to: 1 });
    expect(migrate(db, list)).toEqual({ from: 1, to: 2 });

    const broken: Migration[] = [...list, { version: 3, name: 'c', up: 'CREATE TABLE c (x INTEGER); THIS IS NOT SQL' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'").pluck().get()).toBe(0);

    const data: Migration[] = [...list, { version: 3, name: 'fn', up: (d) => d.exec('CREATE TABLE c (x INTEGER)') }];
    expect(migrate(db, data)).toEqual({ from: 2, to: 3 });
    db.close();
  });

  it('rejects a list whose versions are out of order', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: '' }])).toThrow(/expected 1/);
    db.close();
  });

  it('refuses a database from a newer version, leaving it untouched', () => {
    const db = new Database(tmp.file);
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.close();

    let caught: unknown;
    try {
      Store.open(tmp.file);
    } catch (error) {
      caught = error;
    }
    expect(AppError.is(caught, 'INTERNAL')).toBe(true);
    expect((caught as AppError).message).toMatch(/newer version of DianJin Workbench/);
    expect((caught as AppError).details).toEqual({ schemaVersion: schemaVersion + 1, supportedVersion: schemaVersion });

    const check = new Database(tmp.file);
    expect(check.pragma('user_version', { simple: true })).toBe(schemaVersion + 1);
    expect(check.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").pluck().get()).toBe(0);
    check.close();
  });

  it('reports a file that is not a database as INTERNAL with advice', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(tmp.file, 'this is not sqlite, just text that is long enough to have a header '.repeat(20));
    expect(() => Store.open(tmp.file)).toThrow(expect.objectContaining({ code: 'INTERNAL', message: expect.stringMatching(/move it aside/) }));
  });
});
