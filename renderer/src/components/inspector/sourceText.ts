/** The sentence that says where a number came from, for the note under the question and the number's tooltip. */
import type { TFunction } from 'i18next';
import type { SourceTarget } from '../../lib/traceSegments';

/** `documentName` names a library document by id (null when it is not known here). */
export function sourceText(t: TFunction, target: SourceTarget, question: string, ownStep: number, documentName?: (id: string) => string | null): string {
  switch (target.kind) {
    case 'question':
      return t('inspector.source.question', { text: question.slice(target.start, target.end) });
    case 'context': {
      if (target.page === null) return t('inspector.source.context');
      const name = target.documentId ? (documentName?.(target.documentId) ?? null) : null;
      return name ? t('inspector.source.contextDocumentPage', { name, page: target.page }) : t('inspector.source.contextPage', { page: target.page });
    }
    case 'unsourced':
      return t('inspector.source.unsourced');
    case 'none':
      return t('inspector.source.none');
    case 'step':
      if (target.stepIndex === ownStep && target.numberIndex === null) return t('inspector.source.ownResult');
      return target.checkIndex !== null
        ? t('inspector.source.derivedCheck', { step: target.stepIndex + 1 })
        : t('inspector.source.derivedMention', { step: target.stepIndex + 1 });
  }
}

/** A library document's file name, for "From report.pdf, p. 3" (null when the library does not list it). */
export function libraryDocumentName(documents: readonly { id: string; fileName: string }[]): (id: string) => string | null {
  return (id) => documents.find((d) => d.id === id)?.fileName ?? null;
}
