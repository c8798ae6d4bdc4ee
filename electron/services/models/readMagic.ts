/** The first bytes of a model file: GGUF files start with the four letters `GGUF`. */
import { open } from 'node:fs/promises';

/** The file's first four bytes as latin1 text (fewer when the file is shorter): `'GGUF'` for a GGUF file. */
export async function readMagic(filePath: string): Promise<string> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}
