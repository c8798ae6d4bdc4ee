/** SFT examples: reading JSONL and the app's own material, and writing them in DianJin-R1's format. */
export {
  MAX_NOTES,
  MAX_SFT_FILE_BYTES,
  assertUsable,
  boxedAnswer,
  checkSftItem,
  formatSftResponse,
  hasBox,
  parseSftJsonl,
  readSftFile,
  sftTurns,
  type NumberedSftItem,
  type ParsedSftData,
} from './sftData';
export { readSftSource, sftItemsFromEvalRun, sftItemsFromList, sftItemsFromMessages, type SftSourceDeps } from './sources';
