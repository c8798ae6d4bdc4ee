/**
 * The native trainer (dianjin-trainer, built from electron/services/training/native by `npm run build:trainer`) as a
 * child process: a job file in, JSON lines out (start, step, validation, checkpoint, stopped, done, error). ggml
 * aborts the process on some errors, so it never runs inside the app; a crash is an exit without `done`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '../../shared/errors';

export const trainerExecutable = process.platform === 'win32' ? 'dianjin-trainer.exe' : 'dianjin-trainer';

/**
 * Where the trainer is: DIANJIN_TRAINER; else beside the app's resources (a packaged app); else the build output of
 * a source checkout (`build/trainer/bin/`, found from the built inference process in dist/electron/). Null when none.
 */
export function locateTrainer(options: { env?: NodeJS.ProcessEnv; workerPath?: string; resourcesPath?: string } = {}): string | null {
  const env = options.env ?? process.env;
  if (env.DIANJIN_TRAINER) return existsSync(env.DIANJIN_TRAINER) ? path.resolve(env.DIANJIN_TRAINER) : null;
  const candidates: string[] = [];
  const resources = options.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  if (resources) candidates.push(path.join(resources, 'trainer', trainerExecutable));
  if (options.workerPath) candidates.push(path.resolve(path.dirname(options.workerPath), '..', '..', 'build', 'trainer', 'bin', trainerExecutable));
  candidates.push(path.resolve(import.meta.dirname ?? '.', '..', '..', '..', 'build', 'trainer', 'bin', trainerExecutable));
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

export function trainerUnavailable(env: NodeJS.ProcessEnv = process.env): AppError {
  if (env.DIANJIN_TRAINER) return new AppError('TRAINER_UNAVAILABLE', `DIANJIN_TRAINER points to ${env.DIANJIN_TRAINER}, which does not exist. Build the trainer with \`npm run build:trainer\` or fix the path.`);
  return new AppError('TRAINER_UNAVAILABLE', 'The fine-tuning trainer is not built. Run `npm run build:trainer` (needs cmake and a C++ compiler), or set DIANJIN_TRAINER to its path.');
}

/** The job file the trainer reads (`trainer.cpp` readConfig). */
export interface TrainerJob {
  model: string;
  data: string;
  validation?: string;
  out: string;
  checkpointDir: string;
  rank: number;
  alpha: number;
  targets: string[];
  lr: number;
  lrSchedule: 'constant' | 'cosine' | 'linear';
  warmupSteps: number;
  weightDecay: number;
  epochs: number;
  steps?: number;
  contextLength: number;
  gradAccumulation: number;
  seed: number;
  threads: number;
  checkpointEvery: number;
  resume: boolean;
  gpu: boolean;
}

export type TrainerMessage =
  | { type: 'start'; backend: string; totalSteps: number; stepsPerEpoch: number; resumedFromStep: number; trainableParams: number; [key: string]: unknown }
  | { type: 'step'; step: number; totalSteps: number; epoch: number; loss: number; tokens: number; weightedTokens: number; tokensPerSecond: number; stepSeconds: number; peakMemoryBytes: number; lr: number; elapsedSeconds: number }
  | { type: 'validation'; step: number; loss: number; tokens: number }
  | { type: 'checkpoint'; step: number; path: string; adapter: string }
  | { type: 'stopped'; step: number; checkpoint: string | null }
  | { type: 'done'; out: string; steps: number; loss: number | null; elapsedSeconds: number; peakMemoryBytes: number }
  | { type: 'error'; message: string };

export interface TrainerRun {
  readonly pid: number | undefined;
  /** Asks the trainer to stop after the current step (it checkpoints, says `stopped` and exits 0). */
  stop(): void;
  /** Ends it at once (cancel). */
  kill(): void;
  /** Resolves when the process has exited, with its exit code or signal and the last lines of its stderr. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function startTrainer(binary: string, jobFile: string, onMessage: (message: TrainerMessage) => void): TrainerRun {
  const child = spawn(binary, ['train', '--config', jobFile], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    try {
      onMessage(JSON.parse(line) as TrainerMessage);
    } catch {
      // Not a protocol line (the protocol is JSON lines only; ignore anything else).
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
    });
    // 'close' comes after stdout ended, so every line was seen.
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    get pid() {
      return child.pid;
    },
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    exited,
  };
}
