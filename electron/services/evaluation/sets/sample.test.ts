import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVAL_TASKS } from '../../../shared/evaluation';
import { loadSampleSet, resolveSampleSetPath, SAMPLE_SET_NAME } from './sample';
import { isChinese, isVerdict } from './text';

const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');

describe('the bundled sample set', () => {
  it('is found from the source tree, from the bundle folder dist/electron and from a packaged app.asar layout', () => {
    const file = path.join(root, 'assets', 'eval', 'sample.jsonl');
    expect(resolveSampleSetPath()).toBe(file);
    expect(resolveSampleSetPath(path.join(root, 'dist', 'electron'))).toBe(file);
    expect(() => resolveSampleSetPath(path.parse(root).root)).toThrow(/sample set/);
  });

  it('loads every line without a warning, as format sample', async () => {
    const set = await loadSampleSet();
    const lines = readFileSync(path.join(root, 'assets', 'eval', 'sample.jsonl'), 'utf8').trim().split('\n');
    expect(set.format).toBe('sample');
    expect(set.suggestedName).toBe(SAMPLE_SET_NAME);
    expect(set.warnings).toEqual([]);
    expect(set.items).toHaveLength(lines.length);
    expect(new Set(set.items.map((i) => i.id)).size).toBe(set.items.length);
  });

  it('has every item valid: a known task, a question, a reference of the task’s kind', async () => {
    const { items } = await loadSampleSet();
    for (const item of items) {
      expect(EVAL_TASKS, item.id).toContain(item.task);
      expect(item.question.trim(), item.id).not.toBe('');
      expect(item.reference.trim(), item.id).not.toBe('');
      switch (item.task) {
        case 'finqa':
          expect(Number.isFinite(Number(item.reference)), `${item.id} reference ${item.reference}`).toBe(true);
          expect(item.context, item.id).toMatch(/\| --- \|/);
          expect(isChinese(item.question), item.id).toBe(false);
          break;
        case 'cflue': {
          const letters = Object.keys(item.choices ?? {});
          expect(letters.length, item.id).toBeGreaterThanOrEqual(2);
          expect(item.reference, item.id).toMatch(/^[A-J]+$/);
          for (const l of item.reference) expect(letters, `${item.id} reference ${item.reference}`).toContain(l);
          expect([...item.reference].sort().join(''), item.id).toBe(item.reference);
          expect(isChinese(item.question), item.id).toBe(true);
          break;
        }
        case 'ccc':
          expect(['合规', '违规'], item.id).toContain(item.reference);
          expect(isVerdict(item.reference)).toBe(true);
          expect(item.context, item.id).toMatch(/客户/);
          break;
        case 'open':
          break;
      }
    }
  });

  it('covers the tasks in the proportions its README states, in both languages', async () => {
    const { items } = await loadSampleSet();
    const count = (task: string): number => items.filter((i) => i.task === task).length;
    expect([count('finqa'), count('cflue'), count('ccc'), count('open')]).toEqual([8, 8, 6, 2]);
    expect(items.filter((i) => i.task === 'cflue' && i.reference.length > 1).length).toBeGreaterThanOrEqual(3);
    expect(items.filter((i) => i.task === 'ccc' && i.reference === '违规').length).toBe(3);
    expect(items.some((i) => isChinese(i.question))).toBe(true);
    expect(items.some((i) => !isChinese(i.question))).toBe(true);
  });
});
