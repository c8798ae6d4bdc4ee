import { describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../contract';
import type { UploadedFile } from './httpTransport';
import { clientErrorKind } from './clientErrors';
import { uploadEach } from './uploads';

describe('uploadEach', () => {
  it('uploads one file after the other; a failed one does not stop the rest', async () => {
    const order: string[] = [];
    const upload = vi.fn(async (file: File): Promise<Envelope<UploadedFile>> => {
      order.push(file.name);
      return file.name === 'bad.pdf' ? { ok: false, error: { code: 'DOCUMENT_TOO_LARGE', message: 'big' } } : { ok: true, value: { path: `/u/${file.name}`, sizeBytes: 1 } };
    });
    const uploaded = vi.fn();
    const results = await uploadEach(upload, [new File(['a'], 'a.pdf'), new File(['b'], 'bad.pdf'), new File(['c'], 'c.csv')], { onUploaded: uploaded });
    expect(order).toEqual(['a.pdf', 'bad.pdf', 'c.csv']);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(uploaded).toHaveBeenCalledTimes(3);
  });

  it('after a cancel the files not yet sent end as cancelled without a request', async () => {
    const controller = new AbortController();
    const upload = vi.fn(async (): Promise<Envelope<UploadedFile>> => {
      controller.abort();
      return { ok: true, value: { path: '/u/a', sizeBytes: 1 } };
    });
    const results = await uploadEach(upload, [new File(['a'], 'a.pdf'), new File(['b'], 'b.pdf')], { signal: controller.signal });
    expect(upload).toHaveBeenCalledTimes(1);
    const second = results[1]!;
    expect(second.ok === false && clientErrorKind(second.error)).toBe('cancelled');
  });
});
