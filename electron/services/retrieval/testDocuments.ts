/** Hand-built parsed documents and a migrated database for the retrieval tests. */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ParsedDocument, ParsedTable } from '../../shared/documents';
import { migrate } from '../store/migrations';
import { tempDir } from '../store/testUtils';
import type { DocumentFileInfo } from './types';

/** A real SQLite file in a temp folder, migrated like Store.open does it. */
export function openTestDatabase(): { db: Database.Database; file: string; cleanup: () => void } {
  const tmp = tempDir();
  const db = new Database(tmp.file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return {
    db,
    file: tmp.file,
    cleanup: () => {
      if (db.open) db.close();
      tmp.cleanup();
    },
  };
}

export function fileInfo(fileName: string, content = fileName): DocumentFileInfo {
  return { fileName, sizeBytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') };
}

export const incomeTable: ParsedTable = {
  title: 'Consolidated Statements of Operations',
  units: 'in millions',
  headerRows: 1,
  rows: [
    ['Item', '2023', '2022'],
    ['Total revenues', '96,773', '81,462'],
    ['Cost of revenues', '79,113', '60,609'],
    ['Net income', '14,997', '12,556'],
  ],
};

/** An English 10-K extract: two pages, headings, a table. */
export const teslaEn: ParsedDocument = {
  format: 'pdf',
  title: 'Tesla 10-K 2023',
  warnings: [],
  pages: [
    {
      number: 1,
      blocks: [
        { type: 'heading', text: 'Income statement', level: 1 },
        { type: 'heading', text: 'Revenue', level: 2 },
        {
          type: 'paragraph',
          text: 'Total revenues grew 19% to $96.77 billion in 2023. Automotive sales drove most of the growth. EV deliveries rose to 1.81 million units.',
        },
        { type: 'table', table: incomeTable },
      ],
    },
    {
      number: 2,
      blocks: [
        { type: 'paragraph', text: 'Gross margin fell to 18.2% as price reductions outweighed cost savings.' },
        { type: 'heading', text: 'Risk factors', level: 1 },
        { type: 'paragraph', text: 'Competition in the electric vehicle market is intensifying, especially in China.' },
      ],
    },
  ],
};

/** A Chinese annual report extract. */
export const teslaZh: ParsedDocument = {
  format: 'pdf',
  title: '特斯拉2023年年报摘要',
  warnings: ['1 页没有文字层'],
  pages: [
    {
      number: 1,
      blocks: [
        { type: 'heading', text: '经营情况', level: 1 },
        {
          type: 'paragraph',
          text: '2023年特斯拉实现总收入967.73亿美元，同比增长19%。汽车业务营收占比超过八成；储能业务增长迅速！毛利率下降至18.2%。',
        },
      ],
    },
    {
      number: 2,
      blocks: [
        { type: 'heading', text: '风险因素', level: 1 },
        { type: 'paragraph', text: '中国市场的价格竞争加剧，可能影响公司的盈利能力。' },
      ],
    },
  ],
};

/** A bank report that mentions neither Tesla nor revenues in the same words. */
export const bankZh: ParsedDocument = {
  format: 'docx',
  title: '招商银行2023年度报告',
  warnings: [],
  pages: [
    {
      number: 1,
      blocks: [
        { type: 'heading', text: '财务概要', level: 1 },
        { type: 'paragraph', text: '本行营业收入3391.23亿元，净利润1466.02亿元。不良贷款率0.95%。' },
      ],
    },
  ],
};
