/** "Add reports…": the native dialog in Electron; in a browser, the library's hidden file input. */
import { pickDocumentFiles } from '../../api';
import { libraryStore } from '../../stores';

let fileInput: HTMLInputElement | null = null;

export function registerReportInput(element: HTMLInputElement | null) {
  fileInput = element;
}

export async function chooseReports(): Promise<void> {
  if (pickDocumentFiles) {
    const paths = await pickDocumentFiles();
    if (paths.length > 0) await libraryStore.getState().addPaths(paths);
    return;
  }
  fileInput?.click();
}
