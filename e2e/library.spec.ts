/**
 * The report library in the real renderer through the real `dianjin serve`: files go in through the browser's file
 * input (uploaded, then ingested with progress), search finds passages in English and Chinese, hits and citations
 * open the page with the passage highlighted, and a report attached to a new conversation answers with sources.
 * The tiny model answers gibberish: the sources list is checked, never the words. It also serves as the embedding
 * model for meaning search's mechanics (Settings, building the index, hybrid results), never its ranking.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDocumentFixtures, type DocumentFixtures } from '../electron/testing/documentFixtures';
import { apiCall, expect, test, testModelPath, waitForModelReady } from './fixtures';

let fixtureDir = '';
let fixtures: DocumentFixtures;

test.beforeAll(async () => {
  fixtureDir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-e2e-docs-'));
  fixtures = await writeDocumentFixtures(fixtureDir);
});

test.afterAll(() => {
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

test('add reports with progress, a bad file fails alone, search, page view, ask with a report and open its source', async ({ page, serve }) => {
  await apiCall(serve, 'settings.update', { sampling: { maxTokens: 32 }, load: { threads: 1 }, language: 'en' });
  await page.goto(serve.url);
  await waitForModelReady(page);

  // ── Adding: one row per file, progress to the end, pages and tables; the encrypted PDF fails with its own error.
  await page.getByTestId('library-link').click();
  await expect(page.getByTestId('library-view')).toBeVisible();
  await page.getByTestId('add-documents-input').setInputFiles([fixtures.pdf, fixtures.docx, fixtures.encryptedPdf, fixtures.csv]);
  const rows = page.getByTestId('ingest-row');
  await expect(rows).toHaveCount(4);
  await expect(page.getByTestId('ingest-panel')).toHaveAttribute('data-running', 'false');
  const pdfRow = rows.filter({ hasText: 'report.pdf' });
  await expect(pdfRow).toHaveAttribute('data-phase', 'done');
  await expect(pdfRow.getByTestId('ingest-pages')).toHaveText('3 pages');
  await expect(pdfRow.getByTestId('ingest-tables')).toHaveText('2 tables');
  await expect(rows.filter({ hasText: 'review.docx' })).toHaveAttribute('data-phase', 'done');
  await expect(rows.filter({ hasText: 'figures.csv' })).toHaveAttribute('data-phase', 'done');
  const failed = rows.filter({ hasText: 'encrypted.pdf' });
  await expect(failed).toHaveAttribute('data-phase', 'failed');
  await expect(failed.getByTestId('ingest-error')).toHaveAttribute('data-code', 'DOCUMENT_ENCRYPTED');
  await expect(failed.getByTestId('ingest-error')).toContainText('password-protected');
  await expect(page.getByTestId('ingest-progress')).toHaveCount(0);

  const items = page.getByTestId('document-item');
  await expect(items).toHaveCount(3);
  const pdfItem = items.filter({ hasText: 'report.pdf' });
  await expect(pdfItem.getByTestId('document-pages')).toHaveText('3 pages');
  const pdfId = (await pdfItem.getAttribute('data-document-id'))!;
  expect(pdfId).toBeTruthy();

  // ── Dropping a report onto the window while the library is open adds it too.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['Dropped memo\n\nOperating margin improved to 41.6%.\n'], 'dropped-memo.txt', { type: 'text/plain' }));
    return transfer;
  });
  await page.dispatchEvent('body', 'drop', { dataTransfer: dropped });
  await expect(rows.filter({ hasText: 'dropped-memo.txt' })).toHaveAttribute('data-phase', 'done');
  await expect(items).toHaveCount(4);

  // ── Search: keyword mode is said; hits show the passage with the words marked.
  const search = page.getByTestId('library-search');
  await search.fill('net income');
  const hits = page.getByTestId('search-hit');
  await expect(hits.first()).toBeVisible();
  await expect(page.getByTestId('search-mode')).toHaveText('Keyword search only — set an embedding model in Settings for meaning search');
  await expect(hits.first().locator('mark').first()).toHaveText(/net income/i);

  await search.fill('营业收入');
  const zhHit = hits.filter({ hasText: '营业收入' }).first();
  await expect(zhHit).toBeVisible();
  const hitPage = (await zhHit.getAttribute('data-page'))!;
  const hitDocument = (await zhHit.getAttribute('data-document-id'))!;
  await zhHit.click();
  const view = page.getByTestId('page-view');
  await expect(view).toHaveAttribute('data-status', 'ready');
  await expect(view).toHaveAttribute('data-page', hitPage);
  await expect(view).toHaveAttribute('data-document-id', hitDocument);
  const passage = view.getByTestId('cited-passage');
  await expect(passage).toHaveAttribute('data-located', 'true');
  await expect(passage).toContainText('营业收入');
  await expect(passage).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(view).toBeHidden();

  // ── Removing asks first.
  const csvItem = items.filter({ hasText: 'figures.csv' });
  await csvItem.getByTestId('document-remove').click();
  await csvItem.getByTestId('document-remove-confirm').click();
  await expect(items).toHaveCount(3);

  // ── A new conversation with the PDF attached: the question goes with it, the answer lists its sources.
  await page.getByTestId('new-chat').click();
  await page.getByTestId('attach-documents').click();
  await page.locator(`[data-testid="attach-option"][data-document-id="${pdfId}"]`).click();
  await page.getByTestId('attach-done').click();
  const chip = page.getByTestId('attached-chip');
  await expect(chip).toHaveCount(1);
  await expect(chip).toHaveAttribute('data-document-id', pdfId);
  await expect(chip).toContainText('report.pdf');

  await page.getByTestId('composer-input').fill('What was net income in 2024?');
  await page.getByTestId('send-button').click();
  const answer = page.getByTestId('message-assistant').last();
  await expect(answer).toHaveAttribute('data-status', 'complete');
  const sources = answer.getByTestId('citation-item');
  await expect(sources.first()).toBeVisible();
  await expect(sources.first()).toContainText('report.pdf');
  const [conversation] = await apiCall<{ id: string }[]>(serve, 'chat.list');
  const saved = await apiCall<{ documentIds: string[] }>(serve, 'chat.get', { id: conversation!.id });
  expect(saved.documentIds).toEqual([pdfId]);

  // ── A source opens its page with the passage highlighted; prev/next move within the document.
  const source = sources.first();
  const sourcePage = Number(await source.getAttribute('data-page'));
  await source.click();
  await expect(view).toHaveAttribute('data-status', 'ready');
  await expect(view).toHaveAttribute('data-document-id', pdfId);
  await expect(view).toHaveAttribute('data-page', String(sourcePage));
  await expect(view.getByTestId('cited-passage')).toHaveAttribute('data-located', 'true');
  await expect(view.getByTestId('cited-passage')).toBeVisible();
  const forward = sourcePage < 3;
  await view.getByTestId(forward ? 'page-view-next' : 'page-view-prev').click();
  await expect(view).toHaveAttribute('data-page', String(forward ? sourcePage + 1 : sourcePage - 1));
  await expect(view).toHaveAttribute('data-status', 'ready');
  await view.getByTestId('page-view-close').click();
  await expect(view).toBeHidden();

  // ── The conversation keeps its attachment after a reload.
  await page.reload();
  await waitForModelReady(page);
  await page.getByTestId('conversation-item').first().click();
  await expect(page.getByTestId('attached-chip')).toHaveAttribute('data-document-id', pdfId);
  await expect(page.getByTestId('message-assistant').last().getByTestId('citation-item').first()).toBeVisible();
});

test('meaning search: the embedding model set in Settings, the meaning index built from the Library, hybrid results', async ({ page, serve }) => {
  await apiCall(serve, 'settings.update', { load: { threads: 1 }, language: 'en' });
  await page.goto(serve.url);
  await waitForModelReady(page);

  await page.getByTestId('library-link').click();
  await page.getByTestId('add-documents-input').setInputFiles([fixtures.pdf, fixtures.docx]);
  await expect(page.getByTestId('ingest-panel')).toHaveAttribute('data-running', 'false');
  const items = page.getByTestId('document-item');
  await expect(items).toHaveCount(2);
  await expect(page.getByTestId('document-embedded')).toHaveCount(0);
  const build = page.getByTestId('embed-library');
  await expect(build).toBeDisabled();
  await expect(build).toHaveAttribute('data-blocker', 'noModel');

  // ── Keyword-only results link to Settings › Report search.
  const search = page.getByTestId('library-search');
  await search.fill('net income');
  await expect(page.getByTestId('search-results')).toHaveAttribute('data-mode', 'keyword');
  await page.getByTestId('search-mode-settings').click();
  const section = page.getByTestId('settings-report-search');
  await expect(section).toBeVisible();

  // ── A path with no file is refused with the field's own message; the test model is accepted.
  const field = page.getByTestId('settings-embedding-model');
  await field.fill(path.join(fixtureDir, 'no-such-model.gguf'));
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-embedding-model-error')).toContainText('No file at this path');
  await field.fill(testModelPath);
  await expect(section.getByTestId('embed-library')).toHaveAttribute('data-blocker', 'unsaved');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await expect(section.getByTestId('embed-library')).toBeEnabled();
  await expect(section.getByTestId('embed-coverage')).toHaveAttribute('data-embedded', '0');

  // ── Building from the Library: a row per document to the end, then every document is marked.
  await page.getByTestId('library-link').click();
  await expect(build).toBeEnabled();
  await build.click();
  const panel = page.getByTestId('embed-panel');
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  const rows = page.getByTestId('embed-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'report.pdf' })).toHaveAttribute('data-phase', 'done');
  await expect(rows.filter({ hasText: 'review.docx' })).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('document-embedded')).toHaveCount(2);
  await expect(build).toBeDisabled();
  await expect(build).toHaveAttribute('data-blocker', 'allEmbedded');

  // ── Search now uses keywords and meaning: the results on screen are searched again, and new queries too.
  const results = page.getByTestId('search-results');
  await expect(search).toHaveValue('net income');
  await expect(results).toHaveAttribute('data-mode', 'hybrid');
  await search.fill('revenue');
  await expect(results).toHaveAttribute('data-mode', 'hybrid');
  await expect(page.getByTestId('search-hit').first()).toBeVisible();
  await expect(page.getByTestId('search-mode')).toHaveText('Keyword and meaning search');
});
