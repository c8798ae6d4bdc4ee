// The parser is runtime-neutral and lives in electron/shared, so the renderer splits sampled answers with the same rules.
export { ReasoningStreamParser, splitReasoning, extractBoxed } from '../../shared/reasoning';
export type { ReasoningDelta, ReasoningSplit, ReasoningStreamParserOptions } from '../../shared/reasoning';
