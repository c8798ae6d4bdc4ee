/** The real `dianjin ask --engine` (built bundle, temp DIANJIN_HOME) against a scripted OpenAI-compatible server. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStubOpenAiServer, stubAnswer, stubReasoning, type StubServer } from '../services/engines/testing/stubOpenAiServer';
import { repoRoot, tempDir } from '../testing/fixtures';

const apiKey = 'sk-cli-stub-key-never-printed';
const home = tempDir('dianjin-cli-remote-');
const bin = path.join(repoRoot, 'bin', 'dianjin.js');
let server: StubServer;
beforeAll(async () => {
  server = await startStubOpenAiServer({ apiKey });
});
afterAll(async () => {
  await server.close();
  home.cleanup();
});

/** Async spawn: the stub server answers from this process's event loop, which spawnSync would block. */
function dianjin(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DIANJIN_HOME: home.dir, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dianjin ask --engine', () => {
  it('--json answers from the remote engine with the reasoning split, remote model and usage', async () => {
    const result = await dianjin(['ask', '--engine', server.baseUrl, '--engine-model', 'dianjin-split', '--json', 'Revenue 200, cost 150: gross margin?'], { DIANJIN_ENGINE_API_KEY: apiKey });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(json).toMatchObject({
      status: 'complete',
      model: 'dianjin-split',
      backend: 'remote',
      engine: server.baseUrl,
      reasoning: stubReasoning.join('').trim(),
      answer: stubAnswer.join('').trim(),
      promptTokens: 42,
      completionTokens: 37,
      threads: null,
      error: null,
    });
    expect(json.check).toMatchObject({ errors: 0 });
    expect(json.check.checked).toBeGreaterThanOrEqual(2);
    expect(server.requests.at(-1)?.authorization).toBe(`Bearer ${apiKey}`);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  it('picks the engine model when it serves one; otherwise says to name it', async () => {
    const result = await dianjin(['ask', '--engine', server.baseUrl, 'Hi'], { DIANJIN_ENGINE_API_KEY: apiKey });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^dianjin: Name the remote model with --engine-model \(the engine serves dianjin-split, /);
  });

  it('streams reasoning then answer as text', async () => {
    const result = await dianjin(['ask', '--engine', server.baseUrl, '--engine-model', 'dianjin-reasoning-field', 'Margin?'], { DIANJIN_ENGINE_API_KEY: apiKey });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Reasoning:\nRevenue 200.*\n\nAnswer:\nThe gross margin is \\boxed\{25\\%\}\./s);
  });

  it('a refused key and a dead server are one clear sentence each, without the key or a stack trace', async () => {
    const refused = await dianjin(['ask', '--engine', server.baseUrl, '--engine-model', 'dianjin-split', 'Hi'], { DIANJIN_ENGINE_API_KEY: 'sk-wrong-cli-key' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^dianjin: The engine refused the request \(401: Incorrect API key provided\.\)/);
    expect(refused.stderr).not.toContain('sk-wrong-cli-key');
    const dead = await dianjin(['ask', '--engine', 'http://127.0.0.1:9/v1', '--engine-model', 'x', 'Hi']);
    expect(dead.code).not.toBe(0);
    expect(dead.stderr).toMatch(/^dianjin: Cannot reach the engine at http:\/\/127\.0\.0\.1:9\/v1/);
    expect(dead.stderr).not.toMatch(/\n\s+at /);
  });

  it('the key from the environment is never written to the data folder', () => {
    const files = readdirSync(home.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(path.join(file.parentPath, file.name)).toString('latin1')).not.toContain(apiKey);
  });
});
