/**
 * `dianjin models list|inspect|download|rm`: the model library from a terminal (same DIANJIN_HOME as the app).
 * Progress on stderr; --json puts one JSON value on the last stdout line.
 */
import path from 'node:path';
import type { ModelFileInfo } from '../shared/api';
import type { DownloadJob, DownloadProgress, DownloadResult } from '../shared/models';
import type { TrainedAdapter } from '../shared/training';
import { estimateFileMemory } from '../services/models/fit';
import { createCliServices } from './services';

const ctx = (signal: AbortSignal) => ({ signal, host: 'cli' as const });
const gib = (n: number | null) => (n === null ? '?' : `${(n / 1024 **3).toFixed(2)} GiB`);

export async function runModelsList(options: { json?: boolean }): Promise<number> {
  const services = await createCliServices('cli');
  try {
    const list = (await services.dispatcher.call('models.list', {}, ctx(new AbortController().signal))) as ModelFileInfo[];
    const jobs = (await services.dispatcher.call('models.downloads', {}, ctx(new AbortController().signal))) as DownloadJob[];
    const adapters = (await services.dispatcher.call('train.adapters', {}, ctx(new AbortController().signal))) as TrainedAdapter[];
    const unfinished = jobs.filter((j) => j.state !== 'completed');
    if (options.json) process.stdout.write(JSON.stringify({ models: list, adapters, downloads: unfinished }) + '\n');
    else {
      const lines = list.map((m) => `${m.path}  ${m.quantization ?? '?'}  ${gib(m.sizeBytes)}  ctx ${m.contextLength ?? '?'}`);
      for (const a of adapters) lines.push(`${a.path}  (LoRA adapter of ${a.baseModelPath}${a.jobId ? `, job ${a.jobId}` : ', imported'})`);
      for (const j of unfinished) lines.push(`${j.path}  (download ${j.state}: ${j.bytes}${j.total ? ` of ${j.total}` : ''} bytes)`);
      process.stdout.write(lines.length ? lines.join('\n') + '\n' : `No models yet. Put GGUF files in ${services.paths.modelsDir} or run \`dianjin models download URL\`.\n`);
    }
    return 0;
  } finally {
    await services.dispose();
  }
}

export async function runModelsInspect(file: string, options: { json?: boolean; ctx?: number }): Promise<number> {
  const services = await createCliServices('cli');
  try {
    const info = (await services.dispatcher.call('models.inspect', { path: path.resolve(file) }, ctx(new AbortController().signal))) as ModelFileInfo;
    const memory = await estimateFileMemory(info.path, options.ctx ?? services.store.getSettings().load.contextSize);
    const result = { ...info, memory };
    if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      process.stdout.write(
        [
          `${info.fileName}${info.name ? ` (${info.name})` : ''}`,
          `architecture: ${info.architecture ?? '?'}`,
          `quantization: ${info.quantization ?? '?'}`,
          `context length: ${info.contextLength ?? '?'}`,
          `chat template: ${info.hasChatTemplate ? 'yes' : 'no'}`,
          `size: ${gib(info.sizeBytes)}`,
          `memory at ${memory.contextSize} tokens: CPU only ${gib(memory.cpuOnly.ramBytes)} RAM; fully on GPU ${gib(memory.fullGpu.vramBytes)} VRAM + ${gib(memory.fullGpu.ramBytes)} RAM`,
        ].join('\n') + '\n',
      );
    }
    return 0;
  } finally {
    await services.dispose();
  }
}

export async function runModelsDownload(url: string, options: { sha256?: string; to?: string; allowUnverified?: boolean; json?: boolean }): Promise<number> {
  const services = await createCliServices('cli');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const show = (p: DownloadProgress) => {
    const pct = p.total ? ` ${((p.bytes / p.total) * 100).toFixed(1)}%` : '';
    const line = `${path.basename(p.path)}: ${p.state}${pct} ${p.bytes}${p.total ? `/${p.total}` : ''} bytes, ${(p.bytesPerSecond / 1024 ** 2).toFixed(1)} MiB/s${p.etaSeconds !== null ? `, ${p.etaSeconds}s left` : ''}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
    else if (p.state !== 'downloading' || Date.now() - lastLine > 2000) {
      lastLine = Date.now();
      process.stderr.write(line + '\n');
    }
  };
  try {
    const input = {
      url,
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
      ...(options.to ? { toDir: path.resolve(options.to) } : {}),
      ...(options.allowUnverified ? { allowUnverified: true } : {}),
    };
    const iterator = services.dispatcher.stream('models.download', input, ctx(controller.signal));
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        const result = next.value as DownloadResult;
        if (tty) process.stderr.write('\r\x1b[K');
        process.stderr.write(`${result.verified ? 'verified' : 'downloaded (not verified)'}: ${result.path}\n`);
        if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
        return 0;
      }
      show(next.value as DownloadProgress);
    }
  } catch (error) {
    if (tty) process.stderr.write('\r\x1b[K');
    if (controller.signal.aborted) {
      process.stderr.write('dianjin: paused; run the same command again to resume.\n');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await services.dispose();
  }
}

export async function runModelsRemove(file: string, options: { json?: boolean }): Promise<number> {
  const services = await createCliServices('cli');
  try {
    const result = (await services.dispatcher.call('models.remove', { path: path.resolve(file) }, ctx(new AbortController().signal))) as { path: string; deleted: boolean };
    process.stderr.write(`${result.deleted ? 'deleted' : 'forgotten (the file was kept)'}: ${result.path}\n`);
    if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } finally {
    await services.dispose();
  }
}

/**
 * Adds a GGUF the user already has to the model library (no copy: its path is recorded). With `base`, the file is a
 * LoRA adapter recorded with its base model (e.g. one a GPU cluster trained from an exported job).
 */
export async function runModelsImport(file: string, options: { base?: string; json?: boolean }): Promise<number> {
  const services = await createCliServices('cli');
  try {
    const signal = new AbortController().signal;
    if (options.base !== undefined) {
      const adapter = (await services.dispatcher.call('train.importAdapter', { path: path.resolve(file), baseModelPath: path.resolve(options.base) }, ctx(signal))) as TrainedAdapter;
      process.stderr.write(`imported adapter: ${adapter.path} (base ${adapter.baseModelPath})\n`);
      if (options.json) process.stdout.write(JSON.stringify(adapter) + '\n');
      return 0;
    }
    const info = (await services.dispatcher.call('models.import', { path: path.resolve(file) }, ctx(signal))) as ModelFileInfo;
    process.stderr.write(`imported: ${info.path} (${info.architecture ?? 'unknown architecture'}, ${info.quantization ?? 'unknown quantization'})\n`);
    if (options.json) process.stdout.write(JSON.stringify(info) + '\n');
    return 0;
  } finally {
    await services.dispose();
  }
}
