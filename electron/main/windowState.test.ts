import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWindowState, minWindowSize, readWindowState, sanitizeWindowState, writeWindowState } from './windowState';

const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('sanitizeWindowState', () => {
  it('keeps a sane stored state', () => {
    expect(sanitizeWindowState({ width: 1400, height: 900, x: 100, y: 50, maximized: true }, screen)).toEqual({
      width: 1400,
      height: 900,
      x: 100,
      y: 50,
      maximized: true,
    });
  });

  it('drops a position that is off every screen (a monitor was unplugged)', () => {
    expect(sanitizeWindowState({ width: 1400, height: 900, x: 2500, y: 50 }, screen)).toEqual({
      width: 1400,
      height: 900,
      maximized: false,
    });
  });

  it('clamps sizes and ignores junk', () => {
    expect(sanitizeWindowState({ width: 10, height: 1e9 }, screen)).toMatchObject({ width: minWindowSize.width, height: 16_384 });
    expect(sanitizeWindowState({ width: 'wide', height: Number.NaN, x: 1.5, y: 0 }, screen)).toEqual({ ...defaultWindowState });
    expect(sanitizeWindowState(null, screen)).toEqual(defaultWindowState);
  });
});

describe('readWindowState / writeWindowState', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips and survives a damaged file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-window-'));
    dirs.push(dir);
    const file = path.join(dir, 'window-state.json');
    expect(readWindowState(file, screen)).toEqual(defaultWindowState);
    writeWindowState(file, { width: 1000, height: 700, x: 10, y: 20, maximized: false });
    expect(readWindowState(file, screen)).toEqual({ width: 1000, height: 700, x: 10, y: 20, maximized: false });
    writeFileSync(file, '{not json');
    expect(readWindowState(file, screen)).toEqual(defaultWindowState);
  });
});
