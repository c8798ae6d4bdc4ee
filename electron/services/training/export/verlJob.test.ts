import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects, parquetSchema, type SchemaTree } from 'hyparquet';
import { afterEach, describe, expect, it } from 'vitest';
import { evalTurns, parseEvalSet } from '../../evaluation/sets';
import verlSchema from './fixtures/verl-schema.json';
import grpoSettings from './fixtures/dianjin-r1-grpo.json';
import { exportVerlJob } from './verlJob';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dianjin-verl-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const GOOD = [
  { task: 'finqa', question: 'What was the growth rate of revenue?', answer: '0.0164', context: 'Revenue 2019: 1,000; 2020: 1,016.4' },
  { task: 'cflue', question: '【单项选择题】下列属于货币政策工具的是？', answer: 'B', choices: { A: '财政补贴', B: '公开市场操作', C: '税收', D: '国债' } },
  { task: 'ccc', question: '该对话是否合规？', answer: '不合规', context: '客服：本产品保本保息，稳赚不赔。' },
];
const lines = (records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

function kindOf(node: SchemaTree): unknown {
  const e = node.element;
  if (e.converted_type === 'LIST') {
    const element = node.children[0]!.children[0]!;
    return { kind: 'list', element: Object.fromEntries(element.children.map((c) => [c.element.name, kindOf(c)])) };
  }
  if (node.children.length > 0) return { kind: 'struct', fields: Object.fromEntries(node.children.map((c) => [c.element.name, kindOf(c)])) };
  if (e.type === 'BYTE_ARRAY' && e.converted_type === 'UTF8') return 'string';
  if (e.type === 'INT64') return 'int64';
  return e.type;
}

async function readParquet(file: string) {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(buffer);
  const schema = parquetSchema(metadata);
  const columns = Object.fromEntries(schema.children.map((c) => [c.element.name, typeof kindOf(c) === 'string' ? { kind: kindOf(c) } : kindOf(c)]));
  return { columns, rows: (await parquetReadObjects({ file: buffer })) as Array<Record<string, unknown>> };
}

describe('exportVerlJob', () => {
  it("writes verl's documented columns and types, the DianJin-R1 prompt, and line-numbered errors", async () => {
    const dir = tempDir();
    const data = path.join(dir, 'grpo.jsonl');
    const text = lines([GOOD[0], '{not json', GOOD[1], { task: 'cflue', question: 'Which?', answer: 'Z', choices: { A: 'x', B: 'y' } }, GOOD[2]]);
    writeFileSync(data, text);
    const out = path.join(dir, 'job');
    const result = await exportVerlJob({ path: data }, out, { model: '/models/dianjin-sft' });

    expect(result.files).toEqual(['data/train.parquet', 'data/val.parquet', 'reward/dianjin_reward.py', 'run_grpo.sh', 'README.md']);
    expect(result.items).toBe(3);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatch(/^line 2: /);
    expect(result.errors[1]).toMatch(/^line 4: .*not option letters/);

    const train = await readParquet(path.join(out, 'data/train.parquet'));
    expect(train.columns).toEqual(verlSchema.columns);
    expect(train.rows).toHaveLength(3);
    const items = parseEvalSet(text, 'grpo.jsonl').items;
    train.rows.forEach((row, i) => {
      const item = items[i]!;
      expect(row).toEqual({
        data_source: `dianjin/${item.task}`,
        prompt: evalTurns(item).map((t) => ({ content: t.content, role: t.role })),
        ability: 'finance',
        reward_model: { ground_truth: item.reference, style: 'rule' },
        extra_info: { id: item.id, index: BigInt(i), split: 'train', task: item.task },
      });
    });
    // Too few items to hold some out: val.parquet repeats training prompts, and says so.
    const val = await readParquet(path.join(out, 'data/val.parquet'));
    expect(val.columns).toEqual(verlSchema.columns);
    expect(val.rows.map((r) => (r.extra_info as { split: string }).split)).toEqual(['val', 'val', 'val']);
    expect(result.validationItems).toBe(0);
    expect(result.warnings.join('\n')).toMatch(/val\.parquet repeats training prompts/);
  });

  it('holds 5% out for validation, every task keeping its share', async () => {
    const dir = tempDir();
    const records = Array.from({ length: 60 }, (_, i) => ({ ...GOOD[i % 3]!, id: `q${i}`, question: `${GOOD[i % 3]!.question} (${i})` }));
    const result = await exportVerlJob({ text: lines(records), fileName: 'many.jsonl' }, path.join(dir, 'job'));
    expect(result.items).toBe(60);
    expect(result.validationItems).toBe(3);
    const train = await readParquet(path.join(dir, 'job/data/train.parquet'));
    const val = await readParquet(path.join(dir, 'job/data/val.parquet'));
    expect(train.rows).toHaveLength(57);
    const ids = (rows: Array<Record<string, unknown>>) => rows.map((r) => (r.extra_info as { id: string }).id);
    expect(ids(val.rows).filter((id) => ids(train.rows).includes(id))).toEqual([]);
    expect(new Set(val.rows.map((r) => r.data_source)).size).toBe(3);
    // The batch is scaled down to the items (a power of two), DianJin-R1's 1024/256 otherwise.
    const script = readFileSync(path.join(dir, 'job/run_grpo.sh'), 'utf8');
    expect(script).toContain('TRAIN_BATCH_SIZE=${TRAIN_BATCH_SIZE:-32}');
    expect(script).toContain('PPO_MINI_BATCH_SIZE=${PPO_MINI_BATCH_SIZE:-32}');
  });

  it("run_grpo.sh keeps DianJin-R1's grpo.sh settings and points verl at the reward file", async () => {
    const dir = tempDir();
    await exportVerlJob({ text: lines(GOOD) }, path.join(dir, 'job'), { model: "/models/it's here" });
    const script = readFileSync(path.join(dir, 'job/run_grpo.sh'), 'utf8');
    const overrides = new Map([...script.matchAll(/^\s+"?([a-z_]+(?:\.[a-z_]+)+)=([^\s"\\]+)/gm)].map((m) => [m[1]!, m[2]!]));
    for (const [key, value] of Object.entries(grpoSettings.overrides)) expect(overrides.get(key), key).toBe(value);
    for (const [name, value] of Object.entries(grpoSettings.variables)) expect(script).toContain(`${name}=\${${name}:-${value}}`);
    expect(script).toContain('"${REWARD_PREFIX}custom_reward_function.path=reward/dianjin_reward.py"');
    expect(script).toContain('"${REWARD_PREFIX}custom_reward_function.name=compute_score"');
    expect(script).toContain('data.train_files=data/train.parquet');
    expect(script).toContain("MODEL_PATH=${MODEL_PATH:-'/models/it'\\''s here'}");
    try {
      execFileSync('bash', ['-n', path.join(dir, 'job/run_grpo.sh')]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // no bash: the syntax check is skipped
    }
    const reward = readFileSync(path.join(dir, 'job/reward/dianjin_reward.py'), 'utf8');
    expect(reward).toMatch(new RegExp(`^def compute_score\\(${verlSchema.rewardFunction.parameters.join(', ')}=None`, 'm'));
  });

  it('refuses a non-empty folder unless forced, and then keeps the other files', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'job');
    await exportVerlJob({ text: lines(GOOD) }, out);
    await expect(exportVerlJob({ text: lines(GOOD) }, out)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { reason: 'outNotEmpty' } });
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    await exportVerlJob({ text: lines(GOOD.slice(0, 1)) }, out, { force: true });
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await readParquet(path.join(out, 'data/train.parquet'))).rows).toHaveLength(1);
  });

  it('nothing usable is TRAIN_DATA_INVALID naming the line; a missing file too', async () => {
    const dir = tempDir();
    await expect(exportVerlJob({ text: 'nope\n{"task":"finqa"}\n', fileName: 'bad.jsonl' }, path.join(dir, 'a'))).rejects.toMatchObject({ code: 'TRAIN_DATA_INVALID' });
    await expect(exportVerlJob({ path: path.join(dir, 'missing.jsonl') }, path.join(dir, 'b'))).rejects.toMatchObject({
      code: 'TRAIN_DATA_INVALID',
      message: expect.stringMatching(/No training data at/),
    });
  });
});
