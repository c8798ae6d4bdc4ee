/**
 * The native trainer's session mode (`dianjin-trainer session`, native/README.md): the base model, the LoRA tensors
 * and the AdamW state stay loaded while GRPO sends one command per step (per-token log-probabilities under the
 * current or the reference adapter, an update, a save, a checkpoint). Commands carry an id; answers echo it.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../../../shared/errors';

/** The session's job file (the same fields as `train`, without `data` and `out`). */
export interface SessionJob {
  model: string;
  initAdapter?: string;
  checkpointDir: string;
  rank: number;
  alpha: number;
  targets: string[];
  lr: number;
  weightDecay?: number;
  contextLength: number;
  seed: number;
  threads: number;
  resume: boolean;
  gpu?: boolean;
}

export interface SessionStart {
  resumedFromStep: number;
  trainableParams: number;
  reference: 'initAdapter' | 'base';
  startSeconds: number;
  [key: string]: unknown;
}

export interface SessionStep {
  step: number;
  loss: number;
  tokens: number;
  weightedTokens: number;
  tokensPerSecond: number;
  stepSeconds: number;
  peakMemoryBytes: number;
}

type Message = { type: string; id?: string; [key: string]: unknown };

interface Pending {
  collected: Message[];
  resolve(messages: Message[]): void;
  reject(error: AppError): void;
  /** The message type that ends this command's answer. */
  until: string;
}

export class TrainerSession {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private stderr = '';
  private exitError: AppError | null = null;
  readonly started: Promise<SessionStart>;
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, Readable>) {
    let startResolve!: (start: SessionStart) => void;
    let startReject!: (error: AppError) => void;
    this.started = new Promise((resolve, reject) => {
      startResolve = resolve;
      startReject = reject;
    });
    this.started.catch(() => undefined);
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        return;
      }
      if (message.type === 'start') return startResolve(message as unknown as SessionStart);
      if (message.type === 'error' && !message.id && message.fatal !== false) {
        this.exitError = new AppError('TRAIN_FAILED', `The trainer stopped: ${String(message.message)}`);
        startReject(this.exitError);
        return;
      }
      const pending = message.id ? this.pending.get(message.id) : undefined;
      if (!pending || !message.id) return;
      if (message.type === 'error') {
        this.pending.delete(message.id);
        pending.reject(new AppError('TRAIN_FAILED', `The trainer refused "${String(message.cmd)}": ${String(message.message)}`));
        return;
      }
      pending.collected.push(message);
      if (message.type === pending.until) {
        this.pending.delete(message.id);
        pending.resolve(pending.collected);
      }
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        const error =
          this.exitError ??
          new AppError('TRAIN_FAILED', `The trainer exited (${signal ?? `code ${code}`}) during GRPO.${this.stderr.trim() ? ` Its last words: ${this.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
        startReject(error);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
        resolve();
      });
    });
  }

  /** Starts `dianjin-trainer session --config jobFile` (the job file written by the caller). */
  static start(binary: string, jobFile: string): TrainerSession {
    // Its own process group: a terminal's Ctrl-C reaches only the CLI, which pauses the run through the session (the
    // session would otherwise stop before the run's checkpoint). It still ends when its stdin closes with the parent.
    const child = spawn(binary, ['session', '--config', jobFile], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: process.platform !== 'win32' });
    return new TrainerSession(child);
  }

  private send(command: Record<string, unknown>, until: string): Promise<Message[]> {
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { collected: [], resolve, reject, until });
      this.child.stdin.write(JSON.stringify({ ...command, id }) + '\n');
    });
  }

  /** Per-token log-probabilities (0 where a weight is 0) of each sequence in `data`, under the current or the reference adapter. */
  async logprobs(data: string, adapter: 'current' | 'reference'): Promise<number[][]> {
    const messages = await this.send({ cmd: 'logprobs', data, adapter }, 'done');
    const out: number[][] = [];
    for (const m of messages) if (m.type === 'logprobs') out[m.index as number] = m.tokens as number[];
    return out;
  }

  /** One optimizer update on `data` (weights already normalised: the loss is −Σ w·log p). */
  async step(data: string): Promise<SessionStep> {
    const [message] = await this.send({ cmd: 'step', data, lossNormalization: 'none' }, 'step');
    return message as unknown as SessionStep;
  }

  async save(out: string): Promise<void> {
    await this.send({ cmd: 'save', out }, 'saved');
  }

  async checkpoint(): Promise<{ step: number; path: string; adapter: string }> {
    const [message] = await this.send({ cmd: 'checkpoint' }, 'checkpoint');
    return message as unknown as { step: number; path: string; adapter: string };
  }

  /** Ends the session cleanly (after the command in flight). */
  async quit(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    await this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
