export { ReasoningStreamParser, splitReasoning, extractBoxed } from './ReasoningStreamParser';
export type { ReasoningDelta, ReasoningSplit, ReasoningStreamParserOptions } from './ReasoningStreamParser';
