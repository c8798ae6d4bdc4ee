/**
 * verl's RL data as parquet. verl's "Prepare Data for Post-Training" (docs/preparation/prepare_data.rst) names five
 * fields per row: `data_source` (picks the reward), `prompt` (chat messages, to which RLHFDataset applies the
 * tokenizer's chat template), `ability`, `reward_model` ({style: "rule", ground_truth}) and `extra_info` ({split,
 * index, …}). Its example writes them with `datasets.Dataset.to_parquet`, i.e. pyarrow: `prompt` a LIST of
 * STRUCT<content, role>, the other two STRUCTs. The schema below is that layout (the standard three-level LIST,
 * every field OPTIONAL as pyarrow writes it), so `datasets.load_dataset("parquet")` reads back the same Python
 * objects as from verl's own preprocessing scripts.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

export interface VerlMessage {
  role: 'system' | 'user';
  content: string;
}

export interface VerlRow {
  data_source: string;
  prompt: VerlMessage[];
  ability: string;
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { split: 'train' | 'val'; index: number; id: string; task: string };
}

const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });

/** The parquet schema of a verl RL file (flattened depth-first, as parquet stores it). */
export const VERL_PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 5 },
  text('data_source'),
  { name: 'prompt', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  text('content'),
  text('role'),
  text('ability'),
  { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 },
  text('ground_truth'),
  text('style'),
  { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 4 },
  { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
  text('split'),
  text('task'),
];

/** The rows as one parquet file (snappy-compressed, one row group per 100,000 rows). */
export function verlParquet(rows: readonly VerlRow[]): Uint8Array {
  const column = <K extends keyof VerlRow>(name: K, map: (row: VerlRow) => unknown = (row) => row[name]) => ({ name, data: rows.map(map) });
  const buffer = parquetWriteBuffer({
    columnData: [
      column('data_source'),
      column('prompt', (row) => row.prompt.map((m) => ({ content: m.content, role: m.role }))),
      column('ability'),
      column('reward_model', (row) => ({ ground_truth: row.reward_model.ground_truth, style: row.reward_model.style })),
      column('extra_info', (row) => ({ id: row.extra_info.id, index: BigInt(row.extra_info.index), split: row.extra_info.split, task: row.extra_info.task })),
    ],
    schema: VERL_PARQUET_SCHEMA,
    rowGroupSize: 100_000,
  });
  return new Uint8Array(buffer);
}
