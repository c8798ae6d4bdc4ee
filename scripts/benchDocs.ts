/**
 * Document library benchmark: indexes generated financial text (English and Chinese) into a temp database through
 * DocumentIndex.addDocument, then times keyword search over varied queries (English, Chinese 3+ characters, Chinese
 * 2-character terms). Target: keyword p95 < 20 ms at 100,000 chunks on 2 cores.
 *
 *   npm run bench:docs [-- --chunks 100000 --queries 400 --ingest-pages 200]
 *
 * Also times ingesting a generated PDF report with tables (pages/s; target ≥ 50 on 2 cores).
 *
 * Prints progress to stderr and one JSON object as the last stdout line.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ParsedDocument, ParsedPage } from '../electron/shared/documents';
import { DocumentIndex } from '../electron/services/retrieval';
import { DocumentService } from '../electron/services/documents/DocumentService';
import { makeFinancialPdf } from '../electron/testing/documentFixtures';
import { migrate } from '../electron/services/store/migrations';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const totalChunks = argument('chunks', 100_000);
const queryCount = argument('queries', 400);
const pagesPerDocument = 50;
const ingestPages = argument('ingest-pages', 200);

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
let seed = 20240601;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function pick<T>(list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}
const num = (max: number, digits = 1): string => (random() * max).toFixed(digits);
const year = (): string => String(2015 + Math.floor(random() * 10));

const companiesEn = ['Tesla', 'Apple', 'Microsoft', 'Amazon', 'Alphabet', 'NVIDIA', 'JPMorgan Chase', 'Berkshire Hathaway', 'Exxon Mobil', 'Walmart', 'Visa', 'Pfizer', 'Intel', 'Netflix', 'Boeing', 'Ford'];
const companiesZh = ['特斯拉', '比亚迪', '招商银行', '贵州茅台', '宁德时代', '中国平安', '腾讯控股', '阿里巴巴', '工商银行', '美的集团', '格力电器', '中国石油', '万科', '海天味业', '隆基绿能', '恒瑞医药'];

const sentencesEn: (() => string)[] = [
  () => `${pick(companiesEn)} reported total revenues of $${num(400, 2)} billion in ${year()}, up ${num(40)}% year over year.`,
  () => `Gross margin was ${num(60)}%, compared with ${num(60)}% in the prior year, reflecting pricing actions and lower input costs.`,
  () => `Net income attributable to common stockholders was $${num(30, 2)} billion, or $${num(15, 2)} per diluted share.`,
  () => `Operating cash flow reached $${num(20, 2)} billion, while capital expenditures were $${num(10, 2)} billion, resulting in free cash flow of $${num(10, 2)} billion.`,
  () => `Research and development expenses increased ${num(30)}% to $${num(5, 2)} billion as we invested in new products and AI capabilities.`,
  () => `Our effective tax rate was ${num(25)}% for fiscal ${year()}, primarily due to the mix of earnings across jurisdictions.`,
  () => `Accounts receivable increased by $${num(900, 0)} million, and inventory days rose to ${num(90, 0)} as the supply chain normalized.`,
  () => `We recorded a goodwill impairment charge of $${num(800, 0)} million related to the ${pick(['retail', 'cloud', 'energy', 'mobility'])} reporting unit.`,
  () => `Diluted EPS was $${num(12, 2)}, and the Board declared a quarterly dividend of $${num(2, 2)} per share.`,
  () => `Operating expenses as a percentage of revenue declined to ${num(30)}%, driven by cost discipline in selling, general and administrative expenses.`,
  () => `The company repurchased ${num(50, 0)} million shares for $${num(20, 1)} billion under its buyback program.`,
  () => `Long-term debt totaled $${num(120, 1)} billion, with a weighted average interest rate of ${num(6, 2)}%.`,
  () => `EV deliveries grew to ${num(2, 2)} million units; energy storage deployments reached ${num(15, 1)} GWh.`,
  () => `Segment operating income in ${pick(['North America', 'Europe', 'China', 'Asia Pacific'])} was $${num(9, 2)} billion, a margin of ${num(25)}%.`,
];
const sentencesZh: (() => string)[] = [
  () => `${pick(companiesZh)}${year()}年实现营业收入${num(9000, 2)}亿元，同比增长${num(40)}%。`,
  () => `归属于上市公司股东的净利润为${num(1500, 2)}亿元，扣非净利润${num(1400, 2)}亿元。`,
  () => `报告期内毛利率为${num(60)}%，较上年同期下降${num(5)}个百分点，主要受原材料价格波动影响。`,
  () => `经营活动产生的现金流量净额为${num(800, 2)}亿元，资本开支${num(300, 2)}亿元。`,
  () => `研发投入${num(200, 2)}亿元，占营收比例${num(15)}%，研发人员数量同比增加${num(30)}%。`,
  () => `公司资产负债率为${num(80)}%，流动比率${num(3, 2)}，偿债能力保持稳健。`,
  () => `不良贷款率为${num(2, 2)}%，拨备覆盖率${num(500, 1)}%，资本充足率${num(18, 2)}%。`,
  () => `${pick(companiesZh)}总收入达到${num(5000, 1)}亿元，海外业务收入占比提升至${num(50)}%。`,
  () => `基本每股收益${num(30, 2)}元，董事会建议每10股派发现金红利${num(50, 2)}元（含税）。`,
  () => `应收账款余额${num(500, 2)}亿元，存货周转天数为${num(120, 0)}天，同比减少${num(20, 0)}天。`,
  () => `本期计提商誉减值准备${num(50, 2)}亿元，主要涉及${pick(['新能源', '医药', '消费电子', '地产'])}业务板块。`,
  () => `销售费用率为${num(20)}%，管理费用率为${num(10)}%，财务费用因汇兑收益减少${num(20, 2)}亿元。`,
  () => `公司新能源汽车销量${num(300, 1)}万辆，动力电池装机量${num(300, 1)}GWh，市场份额${num(40)}%。`,
  () => `${pick(['华东', '华南', '华北', '西南'])}地区营收${num(900, 2)}亿元，占总营收的${num(40)}%。`,
];

const headingsEn = ['Management discussion and analysis', 'Results of operations', 'Liquidity and capital resources', 'Income statement', 'Risk factors', 'Segment information'];
const subheadingsEn = ['Revenue', 'Gross margin', 'Operating expenses', 'Cash flows', 'Income taxes', 'Share repurchases'];
const headingsZh = ['管理层讨论与分析', '经营情况讨论', '主要财务数据', '风险因素', '分部信息'];
const subheadingsZh = ['营业收入', '毛利率', '期间费用', '现金流量', '研发投入'];

/** A page of about one chunk: a heading path and ~950 characters of text, sometimes a table instead. */
function page(number: number, zh: boolean, withTable: boolean): ParsedPage {
  const blocks: ParsedPage['blocks'] = [
    { type: 'heading', text: zh ? pick(headingsZh) : pick(headingsEn), level: 1 },
    { type: 'heading', text: zh ? pick(subheadingsZh) : pick(subheadingsEn), level: 2 },
  ];
  if (withTable) {
    const rows = zh
      ? [['项目', '本期', '上期'], ...['营业收入', '营业成本', '毛利', '销售费用', '净利润', '总资产'].map((r) => [r, num(9000, 2), num(9000, 2)])]
      : [['Item', year(), year()], ...['Total revenues', 'Cost of revenues', 'Gross profit', 'Operating income', 'Net income', 'Total assets'].map((r) => [r, num(99999, 0), num(99999, 0)])];
    blocks.push({ type: 'table', table: { title: zh ? '合并利润表' : 'Consolidated Statements of Operations', units: zh ? '单位：百万元' : 'in millions', headerRows: 1, rows } });
  } else {
    // Just under the 1000-character target, so each page makes one text chunk.
    const target = zh ? 420 : 940;
    let text = '';
    while (text.length < target) text += (zh ? '' : ' ') + pick(zh ? sentencesZh : sentencesEn)();
    blocks.push({ type: 'paragraph', text: text.trim() });
  }
  return { number, blocks };
}

function generateDocument(i: number): ParsedDocument {
  const zh = i % 2 === 1;
  return {
    format: 'pdf',
    title: zh ? `${pick(companiesZh)}${year()}年年度报告` : `${pick(companiesEn)} Form 10-K ${year()}`,
    warnings: [],
    pages: Array.from({ length: pagesPerDocument }, (_, p) => page(p + 1, zh, p % 10 === 9)),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function stats(times: readonly number[]): { n: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 100) / 100;
  return { n: sorted.length, p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? 0) };
}

type QueryKind = 'en' | 'zh' | 'zh2';
function queries(n: number): { kind: QueryKind; text: string }[] {
  const en = [
    'total revenues', 'gross margin', 'free cash flow', 'goodwill impairment', 'effective tax rate', 'diluted EPS', 'EPS', 'EV deliveries',
    'research and development', 'long-term debt', 'share repurchases', 'operating income', 'accounts receivable', 'dividend', 'Revenue',
    'inventory days', 'weighted average interest rate', 'capital expenditures', 'selling, general and administrative', 'energy storage GWh',
  ];
  const zh = ['营业收入', '总收入', '净利润', '毛利率', '现金流量', '资产负债率', '不良贷款率', '商誉减值', '研发投入', '每股收益', '拨备覆盖率', '动力电池', '新能源汽车'];
  const zh2 = ['营收', '毛利', '存货', '商誉', '研发', '分红', '费用', '现金', '负债', '销量'];
  const list: { kind: QueryKind; text: string }[] = [];
  for (let i = 0; i < n; i++) {
    const r = i % 9;
    if (r === 0) list.push({ kind: 'en', text: pick(en) });
    else if (r === 1) list.push({ kind: 'en', text: `${pick(companiesEn)} ${pick(en)}` });
    else if (r === 2) list.push({ kind: 'en', text: `${pick(en)} ${year()}` });
    else if (r === 3) list.push({ kind: 'zh', text: pick(zh) });
    else if (r === 4) list.push({ kind: 'zh', text: `${pick(companiesZh)} ${pick(zh)}` });
    else if (r === 5) list.push({ kind: 'zh', text: `${pick(companiesZh)} ${year()}年 ${pick(zh)}` });
    else if (r === 6) list.push({ kind: 'zh2', text: pick(zh2) });
    else if (r === 7) list.push({ kind: 'zh2', text: `${pick(companiesZh)} ${pick(zh2)}` });
    else list.push({ kind: 'zh2', text: `${pick(zh2)} ${pick(zh2)}` });
  }
  return list;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-bench-docs-'));
  const file = path.join(dir, 'library.sqlite3');
  const db = new Database(file);
  try {
    // The same connection settings as Store.open.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    const index = new DocumentIndex(db);

    // 1. Insert throughput (chunking + all indexes, one transaction per document, as the app does).
    const started = performance.now();
    let chunks = 0;
    let docs = 0;
    let pages = 0;
    let textChars = 0;
    while (chunks < totalChunks) {
      const doc = generateDocument(docs);
      const added = index.addDocument({ fileName: `report-${docs}.pdf`, sizeBytes: 1, sha256: docs.toString(16).padStart(64, '0') }, doc);
      chunks += added.chunkCount;
      pages += added.pageCount;
      for (const p of doc.pages) for (const b of p.blocks) if (b.type === 'paragraph') textChars += b.text.length;
      docs++;
      if (docs % 200 === 0) process.stderr.write(`indexed ${chunks} chunks (${docs} documents) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    const insertSeconds = (performance.now() - started) / 1000;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const dbBytes = statSync(file).size;
    process.stderr.write(`indexed ${chunks} chunks in ${insertSeconds.toFixed(1)} s; database ${(dbBytes / 2 ** 20).toFixed(0)} MiB\n`);

    // 2. Keyword search latency: warm-up, then timed queries (top 10, as the chat's retrieval asks).
    const list = queries(queryCount);
    for (const q of list.slice(0, 20)) index.searchKeyword(q.text, { top: 10 });
    const times: Record<QueryKind | 'all', number[]> = { all: [], en: [], zh: [], zh2: [] };
    let empty = 0;
    for (const q of list) {
      const t0 = performance.now();
      const hits = index.searchKeyword(q.text, { top: 10 });
      const ms = performance.now() - t0;
      if (hits.length === 0) empty++;
      times.all.push(ms);
      times[q.kind].push(ms);
    }
    const keyword = { ...stats(times.all), queriesWithoutHits: empty, byKind: { en: stats(times.en), zh: stats(times.zh), zh2: stats(times.zh2) } };
    process.stderr.write(`keyword search: p50 ${keyword.p50Ms} ms, p95 ${keyword.p95Ms} ms (target p95 < 20 ms)\n`);

    const ingestion = await measureIngestion(dir);
    process.stderr.write(`ingestion: ${ingestion.pages} pages in ${ingestion.seconds} s = ${ingestion.pagesPerSecond} pages/s (target ≥ 50)\n`);

    console.log(
      JSON.stringify({
        bench: 'docs',
        node: process.version,
        cpus: os.cpus().length,
        sqlite: db.prepare('SELECT sqlite_version()').pluck().get(),
        corpus: { documents: docs, pages, chunks, textChars, languages: 'en + zh, alternating documents' },
        insert: { seconds: Math.round(insertSeconds * 10) / 10, chunksPerSecond: Math.round(chunks / insertSeconds), documentsPerSecond: Math.round((docs / insertSeconds) * 10) / 10, databaseMiB: Math.round(dbBytes / 2 ** 20) },
        keyword: { ...keyword, targetP95Ms: 20, meetsTarget: keyword.p95Ms < 20 },
        ingestion,
      }),
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Ingestion as the app does it: a generated multi-page PDF report with financial tables (English and Chinese), read
 * by the loader in its worker (pdfjs, tables rebuilt from positions), chunked and indexed in one transaction.
 */
async function measureIngestion(dir: string): Promise<{ pages: number; tables: number; seconds: number; pagesPerSecond: number; targetPagesPerSecond: number; meetsTarget: boolean }> {
  const pdfPath = path.join(dir, 'annual-report.pdf');
  writeFileSync(pdfPath, await makeFinancialPdf({ pages: ingestPages }));
  const db = new Database(path.join(dir, 'ingest.sqlite3'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    const built = path.resolve(import.meta.dirname, '..', 'dist', 'electron', 'documentWorker.js');
    const service = new DocumentService({ index: new DocumentIndex(db), ...(existsSync(built) ? { loaderWorkerPath: built } : {}) });
    const started = performance.now();
    const added = await service.ingest(pdfPath);
    const seconds = (performance.now() - started) / 1000;
    const pagesPerSecond = Math.round((added.pageCount / seconds) * 10) / 10;
    return { pages: added.pageCount, tables: added.tableCount, seconds: Math.round(seconds * 100) / 100, pagesPerSecond, targetPagesPerSecond: 50, meetsTarget: pagesPerSecond >= 50 };
  } finally {
    db.close();
  }
}

await main();
