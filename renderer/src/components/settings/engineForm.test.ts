import { describe, expect, it } from 'vitest';
import { defaultSettings, type AppSettings } from '../../contract';
import { buildEnginePatch, checkBaseUrl, engineFormFromSettings, keyMatchesUrl, originOf, remoteEngineLabel, validateEngineForm } from './engineForm';

const remote: AppSettings = { ...defaultSettings, engine: { kind: 'remote', baseUrl: 'https://llm.example.com/v1', model: 'qwen3-8b' } };

describe('engine form', () => {
  it('needs nothing for the local engine, keeping the remote fields as they are', () => {
    expect(validateEngineForm({ kind: 'local', baseUrl: 'not a url', model: '' })).toEqual({});
    expect(buildEnginePatch({ ...engineFormFromSettings(remote), kind: 'local' }, remote.engine).patch).toEqual({ engine: { kind: 'local' } });
  });

  it('needs an http(s) address and a model for a remote engine', () => {
    expect(validateEngineForm({ kind: 'remote', baseUrl: '', model: '' })).toEqual({ baseUrl: 'urlRequired', model: 'modelRequired' });
    expect(validateEngineForm({ kind: 'remote', baseUrl: 'ftp://host', model: 'm' })).toEqual({ baseUrl: 'urlInvalid' });
    expect(checkBaseUrl('  http://127.0.0.1:8080/v1 ')).toBeNull();
    const { patch, errors } = buildEnginePatch({ kind: 'remote', baseUrl: 'llm.example.com', model: 'm' }, defaultSettings.engine);
    expect(patch).toBeNull();
    expect(errors.baseUrl).toBe('urlInvalid');
  });

  it('patches only what changed, trimmed; nothing when nothing did', () => {
    expect(buildEnginePatch({ kind: 'remote', baseUrl: ' http://127.0.0.1:8080/v1 ', model: ' qwen ' }, defaultSettings.engine).patch).toEqual({
      engine: { kind: 'remote', baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen' },
    });
    expect(buildEnginePatch({ ...engineFormFromSettings(remote), model: 'other' }, remote.engine).patch).toEqual({ engine: { model: 'other' } });
    expect(buildEnginePatch(engineFormFromSettings(remote), remote.engine).patch).toBeNull();
  });

  it('binds a saved key to its origin', () => {
    expect(originOf('https://llm.example.com:8443/v1')).toBe('https://llm.example.com:8443');
    expect(originOf('nope')).toBeNull();
    const status = { saved: true, origin: 'https://llm.example.com', encrypted: true };
    expect(keyMatchesUrl(status, 'https://llm.example.com/v1')).toBe(true);
    expect(keyMatchesUrl(status, 'http://llm.example.com/v1')).toBe(false);
    expect(keyMatchesUrl({ saved: false, origin: null, encrypted: true }, 'https://llm.example.com/v1')).toBe(false);
    expect(keyMatchesUrl(null, 'https://llm.example.com/v1')).toBe(false);
  });

  it('labels the top bar only for a remote engine with a model', () => {
    expect(remoteEngineLabel(remote)).toEqual({ model: 'qwen3-8b', origin: 'https://llm.example.com' });
    expect(remoteEngineLabel(defaultSettings)).toBeNull();
    expect(remoteEngineLabel(null)).toBeNull();
  });
});
