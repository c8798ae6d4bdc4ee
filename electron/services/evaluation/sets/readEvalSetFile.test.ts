import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { readEvalSetFile } from './readEvalSetFile';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dianjin-evalset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = JSON.stringify({ id: '1', task: 'open', question: '什么是市盈率？', reference: '股价与每股收益之比。' });

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(AppError.is(error, 'EVAL_SET_INVALID')).toBe(true);
  return error as AppError;
}

describe('readEvalSetFile', () => {
  it('reads .jsonl, .json and .txt files by their content', async () => {
    for (const name of ['a.jsonl', 'b.json', 'c.txt']) {
      const file = path.join(dir, name);
      await writeFile(file, `${line}\n`, 'utf8');
      const set = await readEvalSetFile(file);
      expect(set.items).toEqual([{ id: '1', task: 'open', question: '什么是市盈率？', reference: '股价与每股收益之比。' }]);
      expect(set.suggestedName).toBe(name.replace(/\..*$/, ''));
    }
  });

  it('decodes UTF-16 with a BOM and GB18030 files as well as UTF-8 with a BOM', async () => {
    const le = path.join(dir, 'utf16.jsonl');
    await writeFile(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, 'utf16le')]));
    expect((await readEvalSetFile(le)).items[0]!.question).toBe('什么是市盈率？');

    const bom = path.join(dir, 'bom.jsonl');
    await writeFile(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line, 'utf8')]));
    expect((await readEvalSetFile(bom)).items[0]!.reference).toBe('股价与每股收益之比。');

    // "什么是" in GB18030 (GBK): the file is not UTF-8.
    const gbk = path.join(dir, 'gbk.jsonl');
    const ascii = (s: string): Buffer => Buffer.from(s, 'ascii');
    await writeFile(gbk, Buffer.concat([ascii('{"id":"1","task":"open","question":"'), Buffer.from([0xca, 0xb2, 0xc3, 0xb4, 0xca, 0xc7]), ascii('?","reference":"x"}')]));
    expect((await readEvalSetFile(gbk)).items[0]!.question).toBe('什么是?');
  });

  it('refuses a file over the size limit, another extension, a folder and a missing path, each with a clear message', async () => {
    const big = path.join(dir, 'big.jsonl');
    await writeFile(big, `${line}\n`.repeat(100));
    const tooBig = await rejection(readEvalSetFile(big, { maxBytes: 1024 }));
    expect(tooBig.message).toMatch(/^big\.jsonl is \d+ KB; evaluation sets up to 1 KB are read\. Split it/);
    expect(tooBig.details).toMatchObject({ maxBytes: 1024 });

    const csv = path.join(dir, 'set.csv');
    await writeFile(csv, 'a,b\n');
    expect((await rejection(readEvalSetFile(csv))).message).toBe('set.csv is not a .json, .jsonl or .txt file: evaluation sets are JSON or JSONL.');

    const folder = path.join(dir, 'folder.json');
    await mkdir(folder);
    expect((await rejection(readEvalSetFile(folder))).message).toBe('folder.json is a folder, not a file.');

    expect((await rejection(readEvalSetFile(path.join(dir, 'missing.jsonl')))).message).toMatch(/^No file at /);
  });
});
