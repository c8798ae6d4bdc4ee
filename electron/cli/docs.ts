/**
 * `dianjin docs add|list|search|rm`: the report library from a terminal (same DIANJIN_HOME as the app).
 * Progress goes to stderr; --json puts one JSON value on the last stdout line.
 */
import path from 'node:path';
import type { DocumentSummary, IngestBatchResult, IngestProgress, SearchResult } from '../shared/documents';
import { withServices } from './services';

const ctx = (signal: AbortSignal) => ({ signal, host: 'cli' as const });

function describeDoc(d: DocumentSummary): string {
  const warnings = d.warnings.length > 0 ? `  ⚠ ${d.warnings.join('; ')}` : '';
  return `${d.id}  ${d.fileName}  (${d.format}, ${d.pageCount} page${d.pageCount === 1 ? '' : 's'}, ${d.tableCount} table${d.tableCount === 1 ? '' : 's'})${warnings}`;
}

/** Returns the exit code: 1 when any file failed, 130 when cancelled. */
export async function runDocsAdd(files: string[], options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const tty = process.stderr.isTTY;
    let last = '';
    const show = (p: IngestProgress) => {
      const pages = p.pagesTotal ? ` ${p.pagesDone}/${p.pagesTotal} pages` : '';
      const line = `${p.fileName}: ${p.phase}${pages}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (p.phase !== 'parsing' || p.pagesDone === p.pagesTotal) process.stderr.write(`${line}\n`);
      last = line;
    };
    try {
      const iterator = services.dispatcher.stream('docs.add', { paths: files }, ctx(controller.signal));
      let result: IngestBatchResult;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          result = next.value as IngestBatchResult;
          break;
        }
        show(next.value as IngestProgress);
      }
      if (tty && last) process.stderr.write('\r\x1b[K');
      for (const doc of result.added) process.stderr.write(`${doc.duplicate ? 'already in the library' : 'added'}: ${describeDoc(doc)}\n`);
      for (const failure of result.failed) process.stderr.write(`dianjin: ${failure.fileName}: ${failure.error.message}\n`);
      if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
      return result.cancelled ? 130 : result.failed.length > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

export async function runDocsList(options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const docs = (await services.dispatcher.call('docs.list', {}, ctx(new AbortController().signal))) as DocumentSummary[];
    if (options.json) process.stdout.write(JSON.stringify(docs) + '\n');
    else process.stdout.write(docs.length === 0 ? 'The library is empty. Add reports with `dianjin docs add FILE…`.\n' : docs.map(describeDoc).join('\n') + '\n');
    return 0;
  });
}

export async function runDocsSearch(query: string, options: { json?: boolean; top?: number }): Promise<number> {
  return withServices(async (services) => {
    const result = (await services.dispatcher.call('docs.search', { query, top: options.top ?? 10 }, ctx(new AbortController().signal))) as SearchResult;
    if (options.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    }
    const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : `«${s}»`);
    const lines = result.hits.map((hit, i) => {
      let text = '';
      let at = 0;
      for (const [start, end] of hit.highlights) {
        text += hit.text.slice(at, start) + bold(hit.text.slice(start, end));
        at = end;
      }
      text += hit.text.slice(at);
      return `${i + 1}. ${hit.fileName}, page ${hit.page}\n   ${text.replace(/\s+/g, ' ').trim().slice(0, 400)}`;
    });
    const mode = result.mode === 'keyword' ? 'keyword search (no embedding model set)' : 'hybrid search';
    process.stdout.write(`${result.hits.length} hit${result.hits.length === 1 ? '' : 's'} (${mode}, ${result.tookMs.toFixed(1)} ms)\n${lines.join('\n')}\n`);
    return 0;
  });
}

export async function runDocsRemove(id: string): Promise<number> {
  return withServices(async (services) => {
    await services.dispatcher.call('docs.remove', { id }, ctx(new AbortController().signal));
    process.stderr.write(`removed ${id}\n`);
    return 0;
  });
}

/** Sets the embedding model (optional) and builds meaning-search vectors for documents that have none. */
export async function runDocsEmbed(options: { model?: string; json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      if (options.model) await services.dispatcher.call('settings.update', { embeddingModelPath: path.resolve(options.model) }, ctx(controller.signal));
      const iterator = services.dispatcher.stream('docs.embed', {}, ctx(controller.signal));
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          const result = next.value as { embedded: number; failed: number };
          process.stderr.write(`${result.embedded} document${result.embedded === 1 ? '' : 's'} embedded${result.failed ? `, ${result.failed} failed` : ''}.\n`);
          if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
          return result.failed > 0 ? 1 : 0;
        }
        const p = next.value as IngestProgress;
        if (p.phase === 'done' || p.phase === 'failed') process.stderr.write(`${p.fileName}: ${p.phase === 'done' ? 'embedded' : 'failed'}\n`);
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
