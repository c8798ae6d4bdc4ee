/**
 * "Import set…": the evaluation view's hidden file input, in both hosts. A browser uploads the chosen file first;
 * Electron imports it by the path of the picked File (no upload, no copy before the import).
 */
import { evaluationStore } from '../../stores';

/** What the import reads: FinQA / CFLUE / DianJin-R1-Data JSON, and JSONL. */
export const evalSetAccept = '.json,.jsonl,application/json';

let fileInput: HTMLInputElement | null = null;

export function registerEvalSetInput(element: HTMLInputElement | null) {
  fileInput = element;
}

export function chooseEvalSetFile(): void {
  fileInput?.click();
}

export function importEvalSetFiles(files: readonly File[]): void {
  const file = files[0];
  if (file) void evaluationStore.getState().importFile(file);
}
