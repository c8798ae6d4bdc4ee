import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SamplingSettings } from '../../shared/records';
import type { StartAssistantMessageInput } from './types';

/** A fresh temp folder per test; `cleanup` removes it. Real files, so WAL and re-opening are exercised. */
export function tempDir(): { dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-store-'));
  return { dir, file: path.join(dir, 'workbench.sqlite3'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sampling: SamplingSettings = { temperature: 0.6, topP: 0.95, topK: 20, minP: 0, repeatPenalty: 1, maxTokens: 256, seed: 7 };

export const assistantInput: StartAssistantMessageInput = {
  modelPath: '/models/DianJin-R1-7B.Q4_K_M.gguf',
  modelName: 'DianJin-R1-7B',
  modelHash: 'sha256:abc',
  backend: 'cpu',
  sampling,
};

/** A clock that advances 1 ms per reading, so ordering by time is deterministic. */
export function steppingClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}
