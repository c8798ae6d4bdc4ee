import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { defaultSettings } from '../../shared/records';
import { Store } from './Store';
import { tempDir } from './testUtils';

describe('settings', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    store = Store.open(tmp.file);
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  function writeRaw(key: string, json: string): void {
    const db = new Database(tmp.file);
    db.prepare('INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)').run(key, json);
    db.close();
  }

  it('starts with the defaults, as a copy the caller may mutate', () => {
    const s = store.getSettings();
    expect(s).toEqual(defaultSettings);
    s.sampling.temperature = 1.5;
    expect(store.getSettings()).toEqual(defaultSettings);
    expect(defaultSettings.sampling.temperature).toBe(0.6);
  });

  it('deep-merges patches and persists them', () => {
    const s = store.updateSettings({ sampling: { temperature: 0.8 }, load: { gpuLayers: 20 }, theme: 'dark', modelPath: '/m/点金.gguf' });
    expect(s.sampling).toEqual({ ...defaultSettings.sampling, temperature: 0.8 });
    expect(s.load).toEqual({ ...defaultSettings.load, gpuLayers: 20 });
    store.updateSettings({ sampling: { topK: 40 } });
    store.close();
    store = Store.open(tmp.file);
    expect(store.getSettings()).toEqual({
      ...defaultSettings,
      sampling: { ...defaultSettings.sampling, temperature: 0.8, topK: 40 },
      load: { ...defaultSettings.load, gpuLayers: 20 },
      theme: 'dark',
      modelPath: '/m/点金.gguf',
    });
    expect(store.updateSettings({ modelPath: null }).modelPath).toBeNull();
  });

  it('stores only overrides, so untouched fields follow the defaults', () => {
    store.updateSettings({ sampling: { temperature: 0.8 } });
    const db = new Database(tmp.file, { readonly: true });
    expect(db.prepare('SELECT key, value_json FROM settings').all()).toEqual([{ key: 'sampling', value_json: '{"temperature":0.8}' }]);
    db.close();
  });

  it('clears an optional field or resets a key with an explicit undefined', () => {
    store.updateSettings({ sampling: { seed: 42 }, theme: 'light' });
    expect(store.getSettings().sampling.seed).toBe(42);
    const s = store.updateSettings({ sampling: { seed: undefined }, theme: undefined });
    expect(s.sampling).not.toHaveProperty('seed');
    expect(s.theme).toBe('system');
  });

  it('rejects invalid patches with INVALID_INPUT naming the field, and writes nothing', () => {
    const cases: [unknown, RegExp][] = [
      [{ sampling: { temperature: 3 } }, /sampling\.temperature/],
      [{ load: { contextSize: 12 } }, /load\.contextSize/],
      [{ theme: 'neon' }, /theme/],
      [{ sampling: { temprature: 0.5 } }, /temprature/],
      [{ unknownKey: 1 }, /unknownKey/],
      [{ load: { gpuLayers: 'some' } }, /load\.gpuLayers/],
      ['not an object', /Invalid settings/],
    ];
    for (const [patch, message] of cases) {
      let caught: unknown;
      try {
        store.updateSettings(patch as never);
      } catch (error) {
        caught = error;
      }
      expect(AppError.is(caught, 'INVALID_INPUT'), JSON.stringify(patch)).toBe(true);
      expect((caught as AppError).message).toMatch(message);
      expect((caught as AppError).details).toHaveProperty('issues');
    }
    expect(store.getSettings()).toEqual(defaultSettings);
  });

  it('falls back to the default for a corrupt stored key, never throws, and heals on the next update', () => {
    writeRaw('sampling', '{not json');
    writeRaw('load', '{"contextSize": -5}');
    writeRaw('theme', '"neon"');
    writeRaw('language', '"zh-CN"');
    writeRaw('modelPath', '42');
    writeRaw('fromTheFuture', '{"x":1}');
    expect(store.getSettings()).toEqual({ ...defaultSettings, language: 'zh-CN' });

    const s = store.updateSettings({ load: { threads: 4 } });
    expect(s.load).toEqual({ ...defaultSettings.load, threads: 4 });
    expect(s.language).toBe('zh-CN');
  });
});
