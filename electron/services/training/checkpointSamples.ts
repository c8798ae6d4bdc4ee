/**
 * Sample answers at each checkpoint: the job's sample prompts answered greedily with the checkpoint's adapter, in an
 * inference process of its own (started for the purpose and stopped after), so the analyst sees what the model is
 * learning while it trains, and the chat is not disturbed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrainSample } from '../../shared/training';
import { InferenceHost } from '../inference/InferenceHost';
import type { ChatTurn } from '../inference/protocol';
import type { SpawnInferenceProcess } from '../inference/process';
import type { StoredJob } from './TrainingRepository';
import { SAMPLE_PROMPTS_FILE } from './TrainingService';

interface SamplePrompt {
  turns: ChatTurn[];
  question: string;
  reference: string;
}

export function checkpointSampler(options: { workerPath: string; spawn: SpawnInferenceProcess; threads: () => number; maxTokens?: number }) {
  return async (job: StoredJob, adapterPath: string, _step: number, signal: AbortSignal): Promise<Array<Omit<TrainSample, 'step'>>> => {
    let prompts: SamplePrompt[];
    try {
      prompts = JSON.parse(await readFile(path.join(job.jobDir, SAMPLE_PROMPTS_FILE), 'utf8')) as SamplePrompt[];
    } catch {
      return [];
    }
    if (prompts.length === 0 || signal.aborted) return [];
    const host = new InferenceHost({ workerPath: options.workerPath, spawn: options.spawn });
    const work = (async () => {
      await host.load(job.modelPath, { threads: options.threads(), contextSize: job.config.contextLength, gpu: 'auto', gpuLayers: 'auto', lora: { path: adapterPath, scale: 1 } });
      const samples: Array<Omit<TrainSample, 'step'>> = [];
      for (const prompt of prompts) {
        if (signal.aborted) break;
        let text = '';
        let opened = false;
        await host.generate(
          prompt.turns,
          { temperature: 0, topP: 1, topK: 1, minP: 0, repeatPenalty: 1, maxTokens: options.maxTokens ?? Math.min(256, Math.floor(job.config.contextLength / 2)), seed: 0 },
          { signal, onStarted: (info) => (opened = info.startInReasoning), onText: (t) => (text += t) },
        );
        samples.push({ question: prompt.question, reference: prompt.reference, output: opened ? `<think>\n${text}` : text });
      }
      return samples;
    })();
    work.catch(() => undefined);
    // The job ended (or was paused): stop waiting for a load or an answer in flight; the process is stopped below.
    const aborted = new Promise<Array<Omit<TrainSample, 'step'>>>((resolve) => {
      if (signal.aborted) resolve([]);
      signal.addEventListener('abort', () => resolve([]), { once: true });
    });
    try {
      return await Promise.race([work, aborted]);
    } finally {
      await host.dispose();
    }
  };
}
