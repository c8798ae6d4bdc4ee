import type { Citation } from '../../contract';
import { libraryStore } from '../../stores';

/** Opens the cited page with the passage highlighted. */
export function openCitation(citation: Citation) {
  void libraryStore.getState().openPage({
    documentId: citation.documentId,
    fileName: citation.fileName,
    page: citation.page,
    passage: { text: citation.text, tableIndex: citation.tableIndex },
  });
}
