/**
 * The training-prep process: loads a GGUF's vocabulary only (`vocabOnly`, no weights) with node-llama-cpp, tokenises
 * SFT examples with its chat template and writes the trainer's JSON lines `{tokens, weights}`. A process of its own
 * because node-llama-cpp must never load in the app's main process (a native crash would take the app down). Started
 * like the inference process (child_process.fork or Electron's utilityProcess); answers one request and exits.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { AppError, serializeError } from '../../../shared/errors';
import { createSftTokenizer } from './tokenizeSft';
import type { PrepCounts, PrepReply, PrepRequest } from './protocol';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: PrepReply): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  for (const line of lines) if (!out.write(line + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function prepare(request: PrepRequest): Promise<PrepReply> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  let model;
  try {
    model = await llama.loadModel({ modelPath: request.modelPath, vocabOnly: true });
  } catch (error) {
    throw new AppError('MODEL_LOAD_FAILED', `llama.cpp could not read the vocabulary of ${request.modelPath}: ${(error as Error).message}`);
  }
  try {
    const tokenizer = createSftTokenizer(model);
    const counts: PrepCounts[] = [];
    const train: string[] = [];
    const validation: string[] = [];
    const held = new Set(request.outputs?.validationIndexes ?? []);
    request.items.forEach((item, index) => {
      const t = tokenizer.tokenize(item.turns, item.response);
      counts.push({ promptTokens: t.promptTokens, responseTokens: t.responseTokens });
      if (!request.outputs || t.tokens.length > request.contextLength) return;
      const line = JSON.stringify({ tokens: t.tokens, weights: t.weights });
      if (held.has(index) && request.outputs.validation) validation.push(line);
      else train.push(line);
    });
    if (request.outputs) {
      await writeLines(request.outputs.train, train);
      if (request.outputs.validation) await writeLines(request.outputs.validation, validation);
    }
    return { type: 'prepared', counts, startsInReasoning: tokenizer.startsInReasoning, endOfTurn: tokenizer.endOfTurn, written: { train: train.length, validation: validation.length } };
  } finally {
    await model.dispose();
  }
}

function onRequest(message: unknown): void {
  const request = message as PrepRequest;
  if (request?.type !== 'prepare') return;
  prepare(request)
    .catch((error: unknown): PrepReply => ({ type: 'error', error: serializeError(error) }))
    .then((reply) => {
      post(reply);
      // Let the message flush before leaving.
      setTimeout(() => process.exit(0), 50);
    });
}

if (parentPort) parentPort.on('message', (event) => onRequest(event.data));
else process.on('message', onRequest);
post({ type: 'ready' });
