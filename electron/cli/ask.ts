/** `dianjin ask`: one question, streamed to the terminal (reasoning dimmed), or one JSON object with --json. */
import path from 'node:path';
import type { ChatChunk, ChatSendInput, EngineTestResult } from '../shared/api';
import { AppError } from '../shared/errors';
import type { GpuChoice, MessageRecord } from '../shared/records';
import { checkTrace } from '../services/inspector';
import { createCliServices } from './services';

export interface AskOptions {
  model?: string;
  json?: boolean;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  threads?: number;
  ctx?: number;
  gpu?: GpuChoice;
  conversation?: string;
  doc?: string[];
  /** A LoRA adapter GGUF applied on top of the model for this question (settings are not changed). */
  lora?: string;
  /** Defaults to 1. */
  loraScale?: number;
  /** A remote OpenAI-compatible engine's base URL (…/v1); key from DIANJIN_ENGINE_API_KEY. */
  engine?: string;
  /** The remote model name; defaults to the engine's only model. */
  engineModel?: string;
}

/** The model to ask at a remote engine: the one named, else the only one it serves. */
export async function remoteModel(services: Awaited<ReturnType<typeof createCliServices>>, baseUrl: string, named: string | undefined, signal: AbortSignal): Promise<string> {
  if (named) return named;
  const { models } = (await services.dispatcher.call('engine.test', { baseUrl }, { signal, host: 'cli' })) as EngineTestResult;
  if (models.length === 1 && models[0]) return models[0].id;
  throw new AppError('INVALID_INPUT', `Name the remote model with --engine-model (the engine serves ${models.length === 0 ? 'none' : models.map((m) => m.id).join(', ')}).`);
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (text: string) => (color ? `\x1b[2m${text}\x1b[22m` : text);

/** The reasoning inspector's verdict on the answer (`dianjin trace check` has the full report). */
function summarizeCheck(question: string, record: MessageRecord) {
  const result = checkTrace({ question, reasoning: record.reasoning, answer: record.answer });
  return { errors: result.errors, checked: result.checked, unsourcedNumbers: result.unsourcedNumbers, answerConsistent: result.answer.consistent };
}

export async function runAsk(question: string, options: AskOptions): Promise<number> {
  if (options.loraScale !== undefined && !options.lora) throw new AppError('INVALID_INPUT', '--lora-scale needs --lora ADAPTER.GGUF.');
  const services = await createCliServices('cli');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const unsubscribe = services.events.subscribe((event) => {
    if (event.type === 'inference.status' && event.status.state === 'loading' && event.status.progress !== null && process.stderr.isTTY && !options.json) {
      process.stderr.write(`\rLoading model… ${Math.round(event.status.progress * 100)}%`);
    }
  });
  let phase: 'none' | 'reasoning' | 'answer' = 'none';
  const write = (text: string) => {
    if (!options.json) process.stdout.write(text);
  };
  const onChunk = (chunk: ChatChunk) => {
    if (chunk.type === 'start') {
      if (process.stderr.isTTY && !options.json) process.stderr.write('\r\x1b[K');
      return;
    }
    if (chunk.type !== 'delta') return;
    if (chunk.reasoning) {
      if (phase === 'none') write(dim(color ? '' : 'Reasoning:\n'));
      phase = 'reasoning';
      write(dim(chunk.reasoning));
    }
    if (chunk.answer) {
      if (phase !== 'answer') write(phase === 'reasoning' ? '\n\n' + (color ? '' : 'Answer:\n') : '');
      phase = 'answer';
      write(chunk.answer);
    }
  };
  try {
    const engine = options.engine ? { kind: 'remote' as const, baseUrl: options.engine, model: await remoteModel(services, options.engine, options.engineModel, controller.signal) } : undefined;
    const input: ChatSendInput = {
      question,
      ...(engine ? { engine } : {}),
      ...(options.model ? { modelPath: options.model } : {}),
      ...(options.conversation ? { conversationId: options.conversation } : {}),
      ...(options.doc && options.doc.length > 0 ? { documentIds: options.doc } : {}),
      sampling: {
        ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      },
      load: {
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(options.ctx !== undefined ? { contextSize: options.ctx } : {}),
        ...(options.gpu !== undefined ? { gpu: options.gpu } : {}),
        ...(options.lora ? { lora: { path: path.resolve(options.lora), scale: options.loraScale ?? 1 } } : {}),
      },
    };
    const iterator = services.dispatcher.stream('chat.send', input, { signal: controller.signal, host: 'cli' });
    let record: MessageRecord;
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        record = next.value as MessageRecord;
        break;
      }
      onChunk(next.value as ChatChunk);
    }
    write('\n');
    if (record.citations.length > 0) write(dim(`\nSources: ${record.citations.map((c) => `[${c.n}] ${c.fileName} p.${c.page}`).join('; ')}\n`));
    const model = services.inference.status.model;
    if (options.json) {
      process.stdout.write(
        JSON.stringify({
          status: record.status,
          reasoning: record.reasoning,
          answer: record.answer,
          model: record.modelName,
          modelPath: record.modelPath,
          modelHash: record.modelHash,
          lora: model?.lora ? { path: model.lora.path, scale: model.lora.scale } : null,
          backend: record.backend,
          threads: engine ? null : (model?.threads ?? null),
          contextSize: engine ? null : (model?.contextSize ?? null),
          engine: engine ? record.modelPath : null,
          promptTokens: record.promptTokens ?? 0,
          completionTokens: record.completionTokens ?? 0,
          tokensPerSecond: record.tokensPerSecond ?? null,
          ttftMs: record.ttftMs ?? null,
          durationMs: record.durationMs ?? null,
          conversationId: record.conversationId,
          messageId: record.id,
          error: record.errorCode ? { code: record.errorCode, message: record.errorMessage } : null,
          citations: record.citations.map(({ n, documentId, fileName, page }) => ({ n, documentId, fileName, page })),
          check: summarizeCheck(question, record),
        }) + '\n',
      );
    } else if (process.stderr.isTTY) {
      const speed = record.tokensPerSecond ? `${record.tokensPerSecond.toFixed(1)} tok/s` : '';
      const check = summarizeCheck(question, record);
      const audit = check.checked > 0 ? ` · ${check.errors === 0 ? `✓ ${check.checked} calculations` : `✗ ${check.errors} of ${check.checked} calculations wrong`}` : '';
      process.stderr.write(dim(`${record.modelName ?? ''} · ${record.backend ?? ''} · ${record.completionTokens ?? 0} tokens ${speed}${audit}\n`));
    }
    if (record.status === 'interrupted') {
      process.stderr.write(`dianjin: ${record.errorMessage ?? 'The answer was interrupted.'}\n`);
      return 1;
    }
    return record.status === 'stopped' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    await services.dispose();
  }
}
