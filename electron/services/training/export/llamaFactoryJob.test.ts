import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evalTurns } from '../../evaluation/sets';
import { formatSftResponse } from '../data/sftData';
import schema from './fixtures/llamafactory-schema.json';
import { exportLlamaFactoryJob } from './llamaFactoryJob';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dianjin-lf-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const EXAMPLES = [
  { question: 'What was the revenue growth?', reasoning: '(1016.4 - 1000) / 1000 = 0.0164', answer: '1.64%', context: 'Revenue 2019: 1,000; 2020: 1,016.4', task: 'finqa' },
  { question: '下列哪项是货币政策工具？', reasoning: '公开市场操作是央行的工具。', answer: '\\boxed{B}', task: 'cflue', choices: { A: '财政补贴', B: '公开市场操作' } },
  { question: 'Is this compliant?', reasoning: 'It promises guaranteed returns.', answer: 'non-compliant' },
];

/** The flat `key: value` lines of the YAML (comments dropped): all this config uses. */
function yamlKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-z0-9_]*):\s*(.*?)\s*(?:#.*)?$/.exec(line);
    if (m) keys.set(m[1]!, m[2]!);
  }
  return keys;
}

describe('exportLlamaFactoryJob', () => {
  it("writes alpaca records and a dataset_info.json entry in LLaMA-Factory's documented schema", async () => {
    const dir = tempDir();
    const data = path.join(dir, 'sft.jsonl');
    writeFileSync(data, [JSON.stringify(EXAMPLES[0]), 'oops', JSON.stringify(EXAMPLES[1]), JSON.stringify({ question: 'no answer' }), JSON.stringify(EXAMPLES[2])].join('\n'));
    const out = path.join(dir, 'job');
    const result = await exportLlamaFactoryJob({ path: data }, out);
    expect(result).toMatchObject({ format: 'llamafactory', out, items: 3, validationItems: 0 });
    expect(result.files).toEqual(['data/dianjin_sft.json', 'data/dataset_info.json', 'train_lora_sft.yaml', 'run_sft.sh', 'README.md']);
    expect(result.errors).toEqual(['line 2: not JSON', 'line 4: empty answer ("answer" is missing or empty)']);

    const info = JSON.parse(readFileSync(path.join(out, 'data/dataset_info.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const yaml = yamlKeys(readFileSync(path.join(out, 'train_lora_sft.yaml'), 'utf8'));
    const entry = info[yaml.get('dataset')!]!;
    expect(entry, 'the dataset the YAML names is described').toBeDefined();
    for (const key of Object.keys(entry)) expect(schema.datasetInfoKeys).toContain(key);
    expect(schema.formattings).toContain(entry.formatting);
    const columns = entry.columns as Record<string, string>;
    for (const key of Object.keys(columns)) expect(schema.alpacaColumns).toContain(key);

    const records = JSON.parse(readFileSync(path.join(out, yaml.get('dataset_dir')!, entry.file_name as string), 'utf8')) as Array<Record<string, unknown>>;
    expect(records).toHaveLength(3);
    for (const record of records) {
      for (const key of schema.alpacaRecord.required) expect(typeof record[key]).toBe('string');
      for (const key of Object.keys(record)) expect([...schema.alpacaRecord.required, ...schema.alpacaRecord.optional]).toContain(key);
      for (const column of Object.values(columns)) expect(record).toHaveProperty(column);
    }
    // The prompt as evaluation asks it, the response exactly as the workbench's SFT writes it.
    const turns = evalTurns({ id: 'sft', task: 'finqa', question: EXAMPLES[0]!.question, reference: EXAMPLES[0]!.answer, context: EXAMPLES[0]!.context });
    expect(records[0]).toEqual({
      system: turns[0]!.content,
      instruction: turns[1]!.content,
      input: '',
      output: formatSftResponse({ reasoning: EXAMPLES[0]!.reasoning, answer: EXAMPLES[0]!.answer }),
    });
    expect(records[0]!.output).toBe('<think>\n(1016.4 - 1000) / 1000 = 0.0164\n</think>\n<answer>\n\\boxed{1.64%}\n</answer>');
    expect(records[1]!.instruction).toContain('B. 公开市场操作');
    expect(records[1]!.output).toMatch(/<answer>\n\\boxed\{B\}\n<\/answer>$/);
  });

  it("train_lora_sft.yaml uses LLaMA-Factory's keys and DianJin-R1's settings, LoRA instead of a full fine-tune", async () => {
    const dir = tempDir();
    await exportLlamaFactoryJob({ text: EXAMPLES.map((e) => JSON.stringify(e)).join('\n') }, path.join(dir, 'job'), { model: '/models/Qwen2.5-7B-Instruct' });
    const yaml = yamlKeys(readFileSync(path.join(dir, 'job/train_lora_sft.yaml'), 'utf8'));
    for (const key of yaml.keys()) expect(schema.yamlKeys, `unknown key ${key}`).toContain(key);
    for (const key of schema.requiredYaml) expect(yaml.has(key), key).toBe(true);
    for (const [key, value] of Object.entries(schema.dianjinR1)) expect(yaml.get(key), key).toBe(value);
    expect(yaml.get('finetuning_type')).toBe('lora');
    expect(yaml.get('lora_target')).toBe('all');
    expect(yaml.get('model_name_or_path')).toBe('/models/Qwen2.5-7B-Instruct');
    expect(readFileSync(path.join(dir, 'job/README.md'), 'utf8')).toMatch(/finetuning_type: full/);
  });

  it('nothing usable is TRAIN_DATA_INVALID with the first bad lines; a non-empty folder is refused', async () => {
    const dir = tempDir();
    await expect(exportLlamaFactoryJob({ text: 'x\n{"question":"q"}\n', fileName: 'bad.jsonl' }, path.join(dir, 'a'))).rejects.toMatchObject({
      code: 'TRAIN_DATA_INVALID',
      message: expect.stringMatching(/bad\.jsonl has no usable example \(line 1: not JSON; line 2: empty answer/),
    });
    writeFileSync(path.join(dir, 'existing.txt'), 'x');
    await expect(exportLlamaFactoryJob({ text: JSON.stringify(EXAMPLES[0]) }, dir)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
