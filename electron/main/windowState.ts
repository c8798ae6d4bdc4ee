/**
 * Remembers the main window's size, position and maximized state in `<dataDir>/window-state.json`. Read once at
 * start and written once when the window closes; a missing or damaged file just means default bounds.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface WindowState {
  width: number;
  height: number;
  /** Absent when the window should be centred. */
  x?: number;
  y?: number;
  maximized: boolean;
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const defaultWindowState: WindowState = { width: 1280, height: 820, maximized: false };
export const minWindowSize = { width: 880, height: 560 } as const;
const maxWindowDimension = 16_384;

function isFiniteInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Number.isInteger(value);
}

function clampDimension(value: unknown, min: number, fallback: number): number {
  if (!isFiniteInteger(value)) return fallback;
  return Math.min(Math.max(value, min), maxWindowDimension);
}

/**
 * Turns whatever was stored into a usable state. The position is kept only if the window's title bar area lands on
 * one of `workAreas` (a monitor may have been unplugged since).
 */
export function sanitizeWindowState(raw: unknown, workAreas: readonly Rectangle[]): WindowState {
  if (!raw || typeof raw !== 'object') return { ...defaultWindowState };
  const stored = raw as Record<string, unknown>;
  const state: WindowState = {
    width: clampDimension(stored.width, minWindowSize.width, defaultWindowState.width),
    height: clampDimension(stored.height, minWindowSize.height, defaultWindowState.height),
    maximized: stored.maximized === true,
  };
  if (isFiniteInteger(stored.x) && isFiniteInteger(stored.y)) {
    const { x, y } = stored;
    // A 100x40 strip at the top-left of the window must be reachable, so the user can always drag it.
    const visible = workAreas.some(
      (area) => x + 100 > area.x && x < area.x + area.width - 40 && y >= area.y && y < area.y + area.height - 40,
    );
    if (visible) Object.assign(state, { x, y });
  }
  return state;
}

export function readWindowState(file: string, workAreas: readonly Rectangle[]): WindowState {
  try {
    return sanitizeWindowState(JSON.parse(readFileSync(file, 'utf8')), workAreas);
  } catch {
    return { ...defaultWindowState };
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  try {
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temporary, file);
  } catch (error) {
    console.warn('[window] could not save the window state:', error);
  }
}
