/** The real `dianjin` command (built bundle, real inference process, temp DIANJIN_HOME). */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTestLora } from '../../models/testModel/generateTestLora';
import { repoRoot, tempDir, tinyModel } from '../testing/fixtures';

const home = tempDir('dianjin-cli-');
afterAll(() => home.cleanup());
const bin = path.join(repoRoot, 'bin', 'dianjin.js');

function dianjin(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, DIANJIN_HOME: home.dir, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectCleanError(result: ReturnType<typeof dianjin>, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^dianjin: /);
  expect(lines[0]).toMatch(pattern);
  // Never a stack trace.
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('dianjin ask', () => {
  it('--json prints one JSON object as the last line with the documented fields', () => {
    const result = dianjin(['ask', '--model', tinyModel, '--json', '--max-tokens', '24', '--threads', '1', '--ctx', '1024', '--gpu', 'off', '--temperature', '0.7', '净利润 net income?']);
    expect(result.code, result.stderr).toBe(0);
    const last = result.stdout.trim().split('\n').at(-1)!;
    const json = JSON.parse(last);
    for (const key of ['reasoning', 'answer', 'model', 'promptTokens', 'completionTokens', 'tokensPerSecond', 'ttftMs', 'backend']) expect(json).toHaveProperty(key);
    expect(json.model).toBe('DianJin Test Tiny');
    expect(json.backend).toBe('cpu');
    expect(json.threads).toBe(1);
    expect(json.contextSize).toBe(1024);
    expect(json.completionTokens).toBeGreaterThan(0);
    // +1: node-llama-cpp completes a multi-byte character started by the last allowed token.
    expect(json.completionTokens).toBeLessThanOrEqual(25);
    expect(json.status).toBe('complete');
  });

  it('--lora ADAPTER --lora-scale S applies an adapter for this question and names it in --json', async () => {
    const adapter = path.join(home.dir, 'adapter.gguf');
    await generateTestLora({ outPath: adapter });
    const common = ['ask', '--model', tinyModel, '--json', '--max-tokens', '12', '--threads', '1', '--ctx', '512', '--gpu', 'off', '--temperature', '0', '--seed', '5'];
    const last = (result: ReturnType<typeof dianjin>) => JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    const adapted = dianjin([...common, '--lora', adapter, '--lora-scale', '0.5', 'Gross margin?']);
    expect(adapted.code, adapted.stderr).toBe(0);
    const json = last(adapted);
    expect(json.lora).toEqual({ path: adapter, scale: 0.5 });
    expect(json.model).toBe('DianJin Test Tiny + adapter.gguf ×0.5');
    const plain = last(dianjin([...common, 'Gross margin?']));
    expect(plain.lora).toBeNull();
    expect(plain.model).toBe('DianJin Test Tiny');
    expect(json.reasoning + json.answer).not.toBe(plain.reasoning + plain.answer);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '--lora', tinyModel, 'Hi']), /not an adapter/);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '--lora', adapter, '--lora-scale', '9', 'Hi']), /--lora-scale must be a number from 0 to 4/);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '--lora-scale', '1', 'Hi']), /--lora-scale needs --lora/);
  });

  it('streams reasoning and answer as text without --json', () => {
    const result = dianjin(['ask', '--model', tinyModel, '--max-tokens', '16', '--threads', '1', 'What is EPS?']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Reasoning:\n/);
  });

  it('bad input: one clear sentence on stderr, non-zero exit, no stack trace', () => {
    expectCleanError(dianjin(['ask', '--model', path.join(home.dir, 'nope.gguf'), 'Hi']), /No file at/);
    const notGguf = path.join(home.dir, 'notes.gguf');
    writeFileSync(notGguf, 'hello');
    expectCleanError(dianjin(['ask', '--model', notGguf, 'Hi']), /not a GGUF/);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '   ']), /question is empty/);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '--temperature', 'hot', 'Hi']), /--temperature must be a number/);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '--gpu', 'tpu', 'Hi']), /tpu/);
  });
});

describe('dianjin serve', () => {
  it('prints the URL with the token, serves on 127.0.0.1 and answers 401 without the token', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--json', '--port', '0', '--token', 'cli-test-token', '--model', tinyModel], { env: { ...process.env, DIANJIN_HOME: home.dir } });
    try {
      const info = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
        readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(info.url).toBe(`http://127.0.0.1:${info.port}/?token=cli-test-token`);
      expect((await fetch(`http://127.0.0.1:${info.port}/api/call/chat.list`, { method: 'POST', body: '{}' })).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${info.port}/api/call/app.info`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer cli-test-token' } });
      const body = (await ok.json()) as { ok: boolean; value: { host: string; dataDir: string } };
      expect(body).toMatchObject({ ok: true, value: { host: 'browser', dataDir: home.dir } });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a bad --model before serving', () => {
    expectCleanError(dianjin(['serve', '--model', path.join(home.dir, 'missing.gguf')]), /No file at/);
  });
});

describe('dianjin trace check', () => {
  const file = path.join(home.dir, 'traces.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ id: 'wrong', question: 'Revenue 5,829, cost 5,735. Gross profit?', reasoning: 'Gross profit = 5,829 - 5,735 = 104.', answer: '\\boxed{104}' }),
      '{ not json',
      JSON.stringify({ id: 'ok', question: '营业收入1,400万元，营业利润210万元。', reasoning: '营业利润率 = 210 / 1,400 = 15%。', answer: '\\boxed{15\\%}' }),
      JSON.stringify({ id: 'no-reasoning' }),
    ].join('\n'),
  );

  it('--json prints one object per good record; malformed lines are reported by number and the rest still checked', () => {
    const result = dianjin(['trace', 'check', '--json', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2 is not valid JSON/);
    expect(result.stderr).toMatch(/line 4 is not a trace record/);
    const reports = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { id: string; errors: number; answerConsistent: boolean | null; steps: { kind: string; checks: { status: string; expected: string }[] }[] }[];
    expect(reports.map((r) => r.id)).toEqual(['wrong', 'ok']);
    expect(reports[0]).toMatchObject({ errors: 1 });
    expect(reports[0]!.steps[0]!.checks[0]).toMatchObject({ status: 'wrong', expected: '94' });
    expect(reports[1]).toMatchObject({ errors: 0, answerConsistent: true });
  });

  it('prints a readable report without --json, and a clear error for a missing file', () => {
    const result = dianjin(['trace', 'check', file]);
    expect(result.stdout).toMatch(/should be 94/);
    expect(result.stdout).toMatch(/2 traces checked, 1 wrong calculations/);
    expectCleanError(dianjin(['trace', 'check', path.join(home.dir, 'none.jsonl')]), /No file at/);
  });
});

describe('dianjin docs', () => {
  it('adds reports (a bad one reported, the rest added), lists, searches with pages, asks with --doc, removes', async () => {
    const { writeDocumentFixtures } = await import('../testing/documentFixtures');
    const fixtures = path.join(home.dir, 'fixtures');
    mkdirSync(fixtures, { recursive: true });
    const files = await writeDocumentFixtures(fixtures);
    const added = dianjin(['docs', 'add', '--json', files.pdf, files.empty, files.html]);
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(/empty\.txt|empty/);
    const batch = JSON.parse(added.stdout.trim().split('\n').at(-1)!) as { added: { id: string; format: string }[]; failed: { error: { code: string } }[] };
    expect(batch.added.map((d) => d.format)).toEqual(['pdf', 'html']);
    expect(batch.failed[0]!.error.code).toBe('DOCUMENT_EMPTY');

    const list = dianjin(['docs', 'list', '--json']);
    expect((JSON.parse(list.stdout.trim().split('\n').at(-1)!) as unknown[]).length).toBe(2);
    const search = dianjin(['docs', 'search', '--json', '--top', '3', 'net income']);
    const result = JSON.parse(search.stdout.trim().split('\n').at(-1)!) as { hits: { fileName: string; page: number; text: string }[]; mode: string };
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits[0]!.page).toBeGreaterThanOrEqual(1);
    expect(dianjin(['docs', 'search', 'net income']).stdout).toMatch(/page \d+/);

    const pdfId = batch.added[0]!.id;
    const asked = dianjin(['ask', '--model', tinyModel, '--json', '--max-tokens', '8', '--threads', '1', '--doc', pdfId, 'What was net income?']);
    expect(asked.code, asked.stderr).toBe(0);
    const answer = JSON.parse(asked.stdout.trim().split('\n').at(-1)!) as { citations: { n: number; documentId: string; page: number }[] };
    expect(answer.citations[0]).toMatchObject({ n: 1, documentId: pdfId });

    // Meaning search: set an embedding model and build the vectors; search becomes hybrid.
    const embedded = dianjin(['docs', 'embed', '--model', tinyModel, '--json']);
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(JSON.parse(embedded.stdout.trim().split('\n').at(-1)!)).toEqual({ embedded: 2, failed: 0 });
    const hybrid = JSON.parse(dianjin(['docs', 'search', '--json', 'net income']).stdout.trim().split('\n').at(-1)!) as { mode: string };
    expect(hybrid.mode).toBe('hybrid');

    expect(dianjin(['docs', 'rm', pdfId]).code).toBe(0);
    expectCleanError(dianjin(['docs', 'rm', pdfId]), /not|no /i);
    expectCleanError(dianjin(['ask', '--model', tinyModel, '--doc', 'nope', 'Hi']), /no longer in the library/i);
  });
});
