/**
 * The model catalog (models/catalog.json): downloadable DianJin-R1 / Qwen2.5 GGUFs and embedding models.
 * Bundled at build time; validated here so a bad edit of the data file fails the tests, not the app.
 */
import { z } from 'zod';
import catalogJson from '../../../models/catalog.json';
import type { CatalogEntry } from '../../shared/models';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits');

const CatalogEntrySchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    kind: z.enum(['chat', 'embedding']),
    family: z.string().min(1),
    parameters: z.number().int().positive(),
    quantization: z.string().min(1),
    contextLength: z.number().int().positive(),
    licence: z.string().min(1),
    sourcePage: z.url(),
    downloadUrl: z.url().refine((u) => u.startsWith('https://huggingface.co/') && u.includes('/resolve/main/'), 'downloadUrl must be a Hugging Face resolve/main URL'),
    fileName: z.string().regex(/^[^/\\]+\.gguf$/),
    sizeBytes: z.number().int().positive().nullable(),
    sha256: sha256Hex.nullable(),
    verified: z.boolean(),
    architecture: z.object({ layers: z.number().int().positive(), kvHeads: z.number().int().positive(), headDim: z.number().int().positive() }).strict(),
    baseModel: z.string().optional(),
  })
  .strict()
  // A verified entry must carry what was verified.
  .refine((e) => !e.verified || (e.sha256 !== null && e.sizeBytes !== null), 'a verified entry needs sha256 and sizeBytes');

const CatalogSchema = z.object({ version: z.literal(1), entries: z.array(CatalogEntrySchema).min(1) }).strict();

export function parseCatalog(value: unknown): CatalogEntry[] {
  const entries = CatalogSchema.parse(value).entries;
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) throw new Error(`Duplicate catalog id ${e.id}`);
    ids.add(e.id);
  }
  return entries;
}

let cached: CatalogEntry[] | null = null;
/** The bundled catalog. */
export function loadCatalog(): CatalogEntry[] {
  cached ??= parseCatalog(catalogJson);
  return cached;
}

/** The catalog entry whose download URL (or file name) matches, for its expected hash and size. */
export function findCatalogEntry(url: string, catalog: CatalogEntry[] = loadCatalog()): CatalogEntry | undefined {
  return catalog.find((e) => e.downloadUrl === url);
}
