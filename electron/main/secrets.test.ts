import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../shared/errors';
import { SecretStore, SecretStorageUnavailableError, secretsFileName, type SecretCipher } from './secrets';

/** Reversible stand-in for safeStorage: reverses the bytes and prefixes a marker. */
function fakeCipher(overrides: Partial<SecretCipher> = {}): SecretCipher {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (text) => Buffer.concat([Buffer.from('enc:'), Buffer.from(text, 'utf8').reverse()]),
    decryptString: (data) => {
      if (!data.subarray(0, 4).equals(Buffer.from('enc:'))) throw new Error('Error while decrypting the ciphertext provided');
      return Buffer.from(data.subarray(4)).reverse().toString('utf8');
    },
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...overrides,
  };
}

describe('SecretStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-secrets-'));
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('stores values encrypted and reads them back', async () => {
    const store = new SecretStore(dir, fakeCipher(), 'linux');
    await store.set('engine.openai.apiKey', 'sk-test-123');
    await store.set('engine.other.apiKey', 'second');
    expect(await store.get('engine.openai.apiKey')).toBe('sk-test-123');
    expect(await store.has('engine.other.apiKey')).toBe(true);
    const raw = readFileSync(path.join(dir, secretsFileName), 'utf8');
    expect(raw).not.toContain('sk-test-123');
    if (process.platform !== 'win32') expect(statSync(path.join(dir, secretsFileName)).mode & 0o777).toBe(0o600);
  });

  it('keeps concurrent writes', async () => {
    const store = new SecretStore(dir, fakeCipher(), 'linux');
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    for (let i = 0; i < 10; i++) expect(await store.get(`k${i}`)).toBe(`v${i}`);
  });

  it('deletes', async () => {
    const store = new SecretStore(dir, fakeCipher(), 'linux');
    await store.set('a', '1');
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.get('a')).toBeNull();
  });

  it('refuses to store without OS encryption, including Linux basic_text', async () => {
    const none = new SecretStore(dir, fakeCipher({ isEncryptionAvailable: () => false }), 'darwin');
    expect(none.isAvailable()).toBe(false);
    await expect(none.set('a', '1')).rejects.toBeInstanceOf(SecretStorageUnavailableError);
    const basic = new SecretStore(dir, fakeCipher({ getSelectedStorageBackend: () => 'basic_text' }), 'linux');
    expect(basic.isAvailable()).toBe(false);
    await expect(basic.set('a', '1')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(new SecretStore(dir, fakeCipher({ getSelectedStorageBackend: () => 'basic_text' }), 'win32').isAvailable()).toBe(true);
  });

  it('returns null for a value that no longer decrypts', async () => {
    writeFileSync(path.join(dir, secretsFileName), JSON.stringify({ version: 1, secrets: { a: Buffer.from('garbage').toString('base64') } }));
    expect(await new SecretStore(dir, fakeCipher(), 'linux').get('a')).toBeNull();
  });

  it('moves a damaged file aside instead of overwriting it', async () => {
    writeFileSync(path.join(dir, secretsFileName), '{oops');
    const store = new SecretStore(dir, fakeCipher(), 'linux');
    expect(await store.get('a')).toBeNull();
    expect(readdirSync(dir).some((name) => name.startsWith(`${secretsFileName}.corrupt-`))).toBe(true);
    await store.set('a', '1');
    expect(await store.get('a')).toBe('1');
  });

  it('validates names and values', async () => {
    const store = new SecretStore(dir, fakeCipher(), 'linux');
    await expect(store.get('../x')).rejects.toBeInstanceOf(AppError);
    await expect(store.set('', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.set('a', '')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
