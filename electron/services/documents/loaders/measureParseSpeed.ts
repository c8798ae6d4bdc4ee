/**
 * Measures PDF parse speed: generates a PDF of income-statement pages (pdfkit) and loads it through the worker.
 * `npx tsx electron/services/documents/loaders/measureParseSpeed.ts [pages=50] [runs=3]`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFinancialPdf } from '../../../testing/documentFixtures';
import { parseDocumentFile } from './parseDocument';
import { loadDocument } from './loadDocument';

const pages = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-speed-'));
const file = path.join(dir, 'speed.pdf');
writeFileSync(file, await makeFinancialPdf({ pages }));
const builtWorker = path.resolve(import.meta.dirname, '../../../../dist/electron/documentWorker.js');
try {
  for (let run = 1; run <= runs; run++) {
    let t = performance.now();
    const doc = await parseDocumentFile(file);
    const inProcess = performance.now() - t;
    t = performance.now();
    await loadDocument(file, { workerPath: builtWorker });
    const worker = performance.now() - t;
    const tables = doc.pages.flatMap((p) => p.blocks.filter((b) => b.type === 'table')).length;
    console.log(
      `run ${run}: ${pages} pages, ${tables} tables; in-process ${inProcess.toFixed(0)} ms (${((pages / inProcess) * 1000).toFixed(0)} pages/s); ` +
        `worker incl. start ${worker.toFixed(0)} ms (${((pages / worker) * 1000).toFixed(0)} pages/s)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
