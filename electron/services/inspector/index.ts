/**
 * The reasoning inspector: checks a DianJin-R1 trace's arithmetic, where its numbers came from, how errors flow on,
 * and whether the answer says what the trace computed. Pure functions (no I/O, no model): the services, the CLI and
 * the tests run the same code.
 */
export { checkTrace, createTraceChecker } from './checkTrace';
export type { TraceChecker, TraceCheckerInput } from './checkTrace';
export { compareTraces } from './compare';
export { traceToMarkdown, traceToJson, TRACE_CHECK_FORMAT } from './exportTrace';
export type { TraceMarkdownOptions, TraceCheckDocument } from './exportTrace';
export { extractNumbers } from './numbers';
export { findCalculations } from './calculations';
export { segmentSteps, classifyStep } from './steps';
export type { StepSegment, StepInfo } from './steps';
export { checkAnswerConsistency } from './answer';
