/** `dianjin models list|inspect|download|rm` against the built CLI and a loopback file server. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir, tinyModel } from '../testing/fixtures';
import { startTestFileServer, type TestFileServer } from '../services/models/downloads/testServer';
import { generateTestLora } from '../../models/testModel/generateTestLora';

const home = tempDir('dianjin-cli-models-');
const modelsDir = path.join(home.dir, 'models');
const bin = path.join(repoRoot, 'bin', 'dianjin.js');
let server: TestFileServer;
let sha: string;

beforeAll(async () => {
  server = await startTestFileServer();
  const body = readFileSync(tinyModel);
  sha = createHash('sha256').update(body).digest('hex');
  server.setFile('tiny.gguf', body);
});
afterAll(async () => {
  await server.close();
  home.cleanup();
});

/** Async: the loopback server lives in this process, so the CLI must not block it. */
function dianjin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DIANJIN_HOME: home.dir, DIANJIN_MODELS_DIR: modelsDir, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('dianjin models', () => {
  it('inspect --json: architecture, quantization, context, chat template, RAM/VRAM estimate', async () => {
    const r = await dianjin(['models', 'inspect', '--json', tinyModel]);
    expect(r.code, r.stderr).toBe(0);
    const json = lastJson(r.stdout);
    expect(json).toMatchObject({ architecture: 'qwen2', contextLength: 4096, hasChatTemplate: true });
    expect(json.memory.cpuOnly.ramBytes).toBeGreaterThan(0);
    expect(json.memory.fullGpu.vramBytes).toBeGreaterThan(0);
  });

  it('download: verifies, resumes a partial file in --to DIR, refuses a bad checksum', async () => {
    const dir = path.join(home.dir, 'dl');
    server.dropAfter('tiny.gguf', 3_000_000);
    const dropped = await dianjin(['models', 'download', server.url('tiny.gguf'), '--sha256', sha, '--to', dir]);
    expect(dropped.code).not.toBe(0);
    expect(dropped.stderr).toMatch(/dianjin: The connection dropped after/);
    expect(existsSync(path.join(dir, 'tiny.gguf.partial'))).toBe(true);

    const resumed = await dianjin(['models', 'download', server.url('tiny.gguf'), '--sha256', sha, '--to', dir, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ path: path.join(dir, 'tiny.gguf'), sha256: sha, verified: true });
    expect(server.requests.at(-1)!.range).toMatch(/^bytes=\d+-$/);

    const bad = await dianjin(['models', 'download', server.url('tiny.gguf'), '--sha256', 'b'.repeat(64), '--to', path.join(home.dir, 'bad')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/^dianjin: .*does not match its expected SHA-256/);
    expect(existsSync(path.join(home.dir, 'bad', 'tiny.gguf'))).toBe(false);
    expect(existsSync(path.join(home.dir, 'bad', 'tiny.gguf.partial'))).toBe(false);

    const missing = await dianjin(['models', 'download', server.url('nope.gguf'), '--sha256', sha]);
    expect(missing.stderr).toMatch(/^dianjin: .*HTTP 404/m);
  });

  it('list shows downloaded models; rm deletes a downloaded file but only forgets an imported one', async () => {
    const list = await dianjin(['models', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const paths = (lastJson(list.stdout).models as { path: string }[]).map((m) => m.path);
    const downloaded = path.join(home.dir, 'dl', 'tiny.gguf');
    expect(paths).toContain(downloaded);

    const rm = await dianjin(['models', 'rm', '--json', downloaded]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(lastJson(rm.stdout)).toMatchObject({ deleted: true });
    expect(existsSync(downloaded)).toBe(false);

    // A file outside the models folder that the app did not download: rm only forgets it.
    const outside = path.join(home.dir, 'mine.gguf');
    copyFileSync(tinyModel, outside);
    const notKnown = await dianjin(['models', 'rm', outside]);
    expect(notKnown.code).not.toBe(0);
    expect(notKnown.stderr).toMatch(/^dianjin: .*not in the model library/);
    expect(existsSync(outside)).toBe(true);

    // Imported (no copy), listed, then removed: only forgotten, the file stays.
    const imported = await dianjin(['models', 'import', '--json', outside]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(lastJson(imported.stdout)).toMatchObject({ path: outside, architecture: 'qwen2' });
    expect((lastJson((await dianjin(['models', 'list', '--json'])).stdout).models as { path: string }[]).map((m) => m.path)).toContain(outside);
    const forgotten = await dianjin(['models', 'rm', '--json', outside]);
    expect(lastJson(forgotten.stdout)).toMatchObject({ deleted: false });
    expect(existsSync(outside)).toBe(true);
    const notGguf = path.join(home.dir, 'notes.gguf');
    writeFileSync(notGguf, 'hello');
    expect((await dianjin(['models', 'import', notGguf])).stderr).toMatch(/^dianjin: .*not a GGUF/);
  });

  it('import --base records a LoRA adapter with its base model; without --base, or on the wrong base, it is refused', async () => {
    const adapter = path.join(home.dir, 'cluster', 'dianjin-grpo-lora.gguf');
    await generateTestLora({ outPath: adapter, name: 'GRPO from the cluster' });
    const wider = path.join(home.dir, 'cluster', 'wider-lora.gguf');
    await generateTestLora({ outPath: wider, embeddingLength: 128 });

    const asModel = await dianjin(['models', 'import', adapter]);
    expect(asModel.code).not.toBe(0);
    expect(asModel.stderr).toMatch(/^dianjin: .*is a LoRA adapter, not a model/);

    const imported = await dianjin(['models', 'import', '--json', '--base', tinyModel, adapter]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(lastJson(imported.stdout)).toMatchObject({ path: adapter, baseModelPath: tinyModel, jobId: null, name: 'GRPO from the cluster' });
    const listed = lastJson((await dianjin(['models', 'list', '--json'])).stdout) as { models: { path: string }[]; adapters: { path: string }[] };
    expect(listed.adapters.map((a) => a.path)).toContain(adapter);
    expect(listed.models.map((m) => m.path)).not.toContain(adapter);

    const mismatch = await dianjin(['models', 'import', '--base', tinyModel, wider]);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toMatch(/^dianjin: /);
    expect(mismatch.stderr).not.toMatch(/\n\s+at /); // one sentence, no stack
    expect((lastJson((await dianjin(['models', 'list', '--json'])).stdout) as { adapters: { path: string }[] }).adapters.map((a) => a.path)).not.toContain(wider);
  });
});
