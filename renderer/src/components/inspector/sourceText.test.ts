import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { resources } from '../../i18n';
import { libraryDocumentName, sourceText } from './sourceText';

describe('sourceText for numbers from a report', () => {
  it('says the report page, and the file when the library knows it', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources, lng: 'en', interpolation: { escapeValue: false } });
    const name = libraryDocumentName([{ id: 'd1', fileName: 'annual-2024.pdf' }]);
    expect(sourceText(i18n.t, { kind: 'context', page: 3, documentId: null }, '', 0, name)).toBe('From the report, p. 3');
    expect(sourceText(i18n.t, { kind: 'context', page: 3, documentId: 'd1' }, '', 0, name)).toBe('From annual-2024.pdf, p. 3');
    expect(sourceText(i18n.t, { kind: 'context', page: null, documentId: null }, '', 0)).toBe('From the report');
    await i18n.changeLanguage('zh-CN');
    expect(sourceText(i18n.t, { kind: 'context', page: 3, documentId: null }, '', 0)).toBe('来自报告第 3 页');
  });
});
