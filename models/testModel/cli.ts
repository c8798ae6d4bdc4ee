/**
 * `npm run models:test` writes models/test-qwen2-tiny.gguf (seed 42) if it is missing.
 * With options it writes a custom one: `npm run models:test -- --out PATH [--seed N] [--embd N] [--layers N]
 * [--ff N] [--ctx N] [--arch NAME] [--name TEXT]`.
 */
import { parseArgs } from 'node:util';
import { ensureTestModel, generateTestModel } from './generateTestModel';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    embd: { type: 'string' },
    layers: { type: 'string' },
    ff: { type: 'string' },
    ctx: { type: 'string' },
    arch: { type: 'string' },
    name: { type: 'string' },
  },
  strict: true,
});

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`--${flag} must be an integer, got "${text}"`);
  return value;
}

const customised = Object.entries(values).some(([key, value]) => key !== 'out' && value !== undefined);
if (values.out === undefined && !customised) {
  console.log(await ensureTestModel());
} else {
  const result = await generateTestModel({
    outPath: values.out ?? 'models/test-qwen2-custom.gguf',
    seed: integer('seed', values.seed),
    embeddingLength: integer('embd', values.embd),
    blockCount: integer('layers', values.layers),
    feedForwardLength: integer('ff', values.ff),
    contextLength: integer('ctx', values.ctx),
    architecture: values.arch,
    name: values.name,
  });
  console.log(`${result.path} (${(result.bytes / 1024 / 1024).toFixed(1)} MiB)`);
}
