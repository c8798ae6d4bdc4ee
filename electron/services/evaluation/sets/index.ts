/**
 * Evaluation sets: importing FinQA, CFLUE, DianJin-R1-Data and the simple JSONL into EvalItems, the bundled sample
 * set, and the DianJin-R1 prompt each item is asked with.
 */
export { parseEvalSet, MAX_WARNINGS, type ParsedEvalSet } from './parseEvalSet';
export { readEvalSetFile, DEFAULT_MAX_EVAL_SET_BYTES, type ReadEvalSetFileOptions } from './readEvalSetFile';
export { loadSampleSet, resolveSampleSetPath, SAMPLE_SET_NAME, type LoadSampleSetOptions } from './sample';
export { evalTurns, promptLanguage, type EvalTurn, type PromptLanguage } from './prompt';
