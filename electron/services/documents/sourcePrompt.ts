/**
 * Fitting report passages into the model's context and asking for citations the UI can link.
 *
 * Two modes:
 * - `full`: the attached documents fit the budget, so all their passages go in, in document order. The prompt
 *   prefix is then the same for every question about those documents, and the inference process reuses its
 *   evaluated state (no clearHistory; LlamaCompletion evaluates only what differs) — the second question about the same
 *   report gets its first token far sooner.
 * - `retrieved`: too long to fit: the passages that best match the question (keyword/hybrid search), up to the
 *   budget, then put back in document order so the model reads them as the report runs.
 */
import type { Citation, DocumentSummary } from '../../shared/documents';
import type { StoredChunk } from '../retrieval';
import type { DocumentService } from './DocumentService';

export interface SourceSelection {
  mode: 'full' | 'retrieved';
  citations: Citation[];
  /** Estimated tokens the sources take. */
  tokens: number;
}


/**
 * A cheap, conservative token estimate for budgeting without the tokenizer (which lives in the inference process):
 * Qwen2's tokenizer takes about one token per CJK character and about 3.5–4 characters per token of English/numbers.
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  for (const char of text) if (/[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(char)) cjk++;
  return Math.ceil(cjk + (text.length - cjk) / 3.2);
}

export class SourcePassages {
  constructor(private readonly documents: DocumentService) {}

  async select(question: string, documentIds: readonly string[], budgetTokens: number): Promise<SourceSelection> {
    const docs = documentIds.map((id) => this.documents.get(id));
    const byDoc = new Map(docs.map((d) => [d.id, d]));
    const all = docs.flatMap((doc) => this.documents.index.listChunks(doc.id).map((row) => ({ doc, row })));
    const total = all.reduce((sum, { row }) => sum + estimateTokens(row.text) + 12, 0);
    if (total <= budgetTokens) {
      return { mode: 'full', tokens: total, citations: all.map(({ doc, row }, i) => toCitation(i + 1, doc, row)) };
    }
    const hits = (await this.documents.search(question, { top: 40, documentIds: [...documentIds] })).hits;
    const chosen: { doc: DocumentSummary; row: StoredChunk }[] = [];
    let tokens = 0;
    for (const hit of hits) {
      const cost = estimateTokens(hit.text) + 12;
      if (tokens + cost > budgetTokens) continue;
      const doc = byDoc.get(hit.documentId);
      if (!doc) continue;
      tokens += cost;
      chosen.push({ doc, row: { id: Number(hit.chunkId), page: hit.page, tableIndex: hit.tableIndex, text: hit.text } });
    }
    // Back into reading order: document as attached, then page, then chunk id (insertion order).
    const docOrder = new Map(documentIds.map((id, i) => [id, i]));
    chosen.sort((a, b) => (docOrder.get(a.doc.id) ?? 0) - (docOrder.get(b.doc.id) ?? 0) || a.row.page - b.row.page || a.row.id - b.row.id);
    return { mode: 'retrieved', tokens, citations: chosen.map(({ doc, row }, i) => toCitation(i + 1, doc, row)) };
  }
}

function toCitation(n: number, doc: DocumentSummary, row: StoredChunk): Citation {
  return { n, documentId: doc.id, fileName: doc.fileName, page: row.page, chunkId: String(row.id), tableIndex: row.tableIndex, text: row.text };
}

/** The system message that carries the sources and asks for [n] citations. */
export function sourcesSystemPrompt(citations: readonly Citation[]): string {
  const lines = [
    'You are DianJin-R1, a financial analysis assistant. Answer the question using the numbered report excerpts below.',
    'Cite the excerpt of every figure or fact you use with its number in square brackets, for example [2] or [1][3]. If the excerpts do not contain the answer, say so.',
    '请依据下列编号的报告摘录回答问题，引用数据时在方括号中注明摘录编号，例如 [2]；若摘录中没有答案，请直接说明。',
    '',
    'Excerpts:',
  ];
  for (const c of citations) lines.push(`[${c.n}] ${c.fileName}, page ${c.page}${c.tableIndex !== null ? ' (table)' : ''}:\n${c.text}`, '');
  return lines.join('\n').trimEnd();
}

/** The sources as the reasoning inspector's context: page markers let it trace numbers to a page. */
export function citationsAsContext(citations: readonly Citation[]): string {
  return citations.map((c) => `[page ${c.page}] ${c.text}`).join('\n\n');
}
