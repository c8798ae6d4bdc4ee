import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18next from 'i18next';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import type { Citation } from '../../contract';
import { resources } from '../../i18n';
import { AnswerText } from './AnswerText';
import { CitationList } from './CitationList';

const i18n = i18next.createInstance();
await i18n.use(initReactI18next).init({ resources, lng: 'en', interpolation: { escapeValue: false }, initAsync: false });

const citation = (n: number, page: number): Citation => ({ n, documentId: 'd1', fileName: 'report.pdf', page, chunkId: `c${n}`, tableIndex: null, text: `passage ${n}` });
const render = (element: ReturnType<typeof createElement>) => renderToStaticMarkup(createElement(I18nextProvider, { i18n }, element));

describe('AnswerText with citations', () => {
  it('links [n] markers the message has, inside and beside each other, and leaves the rest', () => {
    const html = render(createElement(AnswerText, { text: 'Net income 3,124 [1][2]; see [1, 2] and [3], [a]. \\boxed{3124}', citations: [citation(1, 2), citation(2, 3)] }));
    const links = [...html.matchAll(/data-testid="citation-link" data-n="(\d+)"/g)].map((m) => m[1]);
    expect(links).toEqual(['1', '2', '1', '2']);
    expect(html).toContain('title="Source 1: report.pdf, page 2"');
    expect(html).toContain('and [3], [a].');
    expect(html).toContain('data-testid="answer-boxed">3124</span>');
  });

  it('renders plain text when the message has no citations', () => {
    expect(render(createElement(AnswerText, { text: 'See [1].' }))).not.toContain('citation-link');
  });
});

describe('CitationList', () => {
  const citations = [citation(1, 1), citation(2, 2), citation(3, 3)];

  it('lists the cited sources in order of use when the answer cites any', () => {
    const html = render(createElement(CitationList, { citations, answer: 'A [3] and B [1].', onOpen: () => {} }));
    expect([...html.matchAll(/data-testid="citation-item" data-n="(\d+)"/g)].map((m) => m[1])).toEqual(['3', '1']);
    expect(html).toContain('Sources cited');
  });

  it('lists every passage given when the answer cites none', () => {
    const html = render(createElement(CitationList, { citations, answer: 'No markers.', onOpen: () => {} }));
    expect([...html.matchAll(/data-testid="citation-item" data-n="(\d+)"/g)].map((m) => m[1])).toEqual(['1', '2', '3']);
    expect(html).toContain('Passages given to the model');
  });
});
