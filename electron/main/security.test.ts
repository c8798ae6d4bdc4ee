import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isAllowedRendererRequest, isRendererUrl, isSafeExternalUrl } from './security';

describe('isRendererUrl', () => {
  it('accepts our origin only', () => {
    expect(isRendererUrl('app://renderer/index.html')).toBe(true);
    expect(isRendererUrl('app://renderer/')).toBe(true);
    expect(isRendererUrl('app://renderer/#/chat/1')).toBe(true);
    expect(isRendererUrl('app://other/index.html')).toBe(false);
    expect(isRendererUrl('app://renderer.evil/index.html')).toBe(false);
    expect(isRendererUrl('app://user:pw@renderer/index.html')).toBe(false);
    expect(isRendererUrl('https://renderer/index.html')).toBe(false);
    expect(isRendererUrl('file:///index.html')).toBe(false);
    expect(isRendererUrl('about:blank')).toBe(false);
    expect(isRendererUrl('')).toBe(false);
    expect(isRendererUrl(undefined)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows plain http(s) links', () => {
    expect(isSafeExternalUrl('https://github.com/withcatai/node-llama-cpp')).toBe(true);
    expect(isSafeExternalUrl('http://example.com/a?b=c#d')).toBe(true);
  });
  it('refuses other schemes, credentials, control characters and huge links', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'smb://host/share',
      'app://renderer/index.html',
      'https://user:pass@example.com/',
      'https://example.com/\nfoo',
      'https://exa mple.com/',
      ` https://example.com/`,
      `https://example.com/${'a'.repeat(3000)}`,
      'not a url',
      '',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
    expect(isSafeExternalUrl(42)).toBe(false);
  });
});

describe('isAllowedRendererRequest', () => {
  it('lets through our files, data and our blobs only', () => {
    expect(isAllowedRendererRequest('app://renderer/assets/index-abc.js')).toBe(true);
    expect(isAllowedRendererRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRendererRequest('blob:app://renderer/5b2c…')).toBe(true);
    expect(isAllowedRendererRequest('https://cdn.example.com/x.js')).toBe(false);
    expect(isAllowedRendererRequest('http://127.0.0.1:8080/')).toBe(false);
    expect(isAllowedRendererRequest('ws://localhost:1234/')).toBe(false);
    expect(isAllowedRendererRequest('file:///etc/hosts')).toBe(false);
    expect(isAllowedRendererRequest('blob:https://evil.example/1')).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  it('is the strict policy the renderer is built for', () => {
    expect(contentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});
