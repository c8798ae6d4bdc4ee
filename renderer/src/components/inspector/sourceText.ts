/** The sentence that says where a number came from, for the note under the question and the number's tooltip. */
import type { TFunction } from 'i18next';
import type { SourceTarget } from '../../lib/traceSegments';

export function sourceText(t: TFunction, target: SourceTarget, question: string, ownStep: number): string {
  switch (target.kind) {
    case 'question':
      return t('inspector.source.question', { text: question.slice(target.start, target.end) });
    case 'context':
      return target.page === null ? t('inspector.source.context') : t('inspector.source.contextPage', { page: target.page });
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
