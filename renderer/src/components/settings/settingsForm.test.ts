import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract';
import { buildPatch, errorsFromSaveError, errorsFromServer, formFromSettings } from './settingsForm';

describe('settings form', () => {
  const form = formFromSettings(defaultSettings);

  it('patches only what changed', () => {
    expect(buildPatch(form, defaultSettings)).toEqual({ patch: {}, errors: {} });
    const { patch, errors } = buildPatch({ ...form, threads: '8', temperature: '0.7', gpuLayersMode: 'number', gpuLayersCount: '20' }, defaultSettings);
    expect(errors).toEqual({});
    expect(patch).toEqual({ load: { threads: 8, gpuLayers: 20 }, sampling: { temperature: 0.7 } });
    expect(buildPatch({ ...form, gpuLayersMode: 'max' }, defaultSettings).patch).toEqual({ load: { gpuLayers: 'max' } });
  });

  it('reports typed, whole-number and range errors per field', () => {
    const { patch, errors } = buildPatch({ ...form, threads: '2.5', temperature: '3', topP: '0', maxTokens: 'lots', contextSize: '' }, defaultSettings);
    expect(errors).toEqual({
      threads: { kind: 'integer' },
      temperature: { kind: 'range', min: 0, max: 2 },
      topP: { kind: 'topP' },
      maxTokens: { kind: 'number' },
      contextSize: { kind: 'number' },
    });
    expect(patch).toEqual({});
  });

  it('maps server validation issues to fields', () => {
    expect(errorsFromServer({ issues: [{ path: ['load', 'gpuLayers'], message: 'Too big' }, { path: ['theme'], message: 'x' }] })).toEqual({
      gpuLayersCount: { kind: 'server', message: 'Too big' },
    });
    expect(errorsFromServer(undefined)).toEqual({});
  });

  it('saves the embedding model path trimmed, and an empty field as keyword search only', () => {
    expect(buildPatch({ ...form, embeddingModelPath: '  /m/bge-m3.gguf ' }, defaultSettings).patch).toEqual({ embeddingModelPath: '/m/bge-m3.gguf' });
    const withModel = { ...defaultSettings, embeddingModelPath: '/m/bge-m3.gguf' };
    expect(formFromSettings(withModel).embeddingModelPath).toBe('/m/bge-m3.gguf');
    expect(buildPatch(formFromSettings(withModel), withModel).patch).toEqual({});
    expect(buildPatch({ ...formFromSettings(withModel), embeddingModelPath: ' ' }, withModel).patch).toEqual({ embeddingModelPath: null });
  });

  it('puts a refused embedding model file on its field, and validation issues on theirs', () => {
    const patch = { embeddingModelPath: '/m/x.bin' };
    expect(errorsFromSaveError({ code: 'MODEL_NOT_GGUF', message: 'x.bin is not a GGUF model file.' }, patch)).toEqual({
      embeddingModelPath: { kind: 'code', code: 'MODEL_NOT_GGUF', message: 'x.bin is not a GGUF model file.' },
    });
    // The same code without a new embedding model in the patch is not this field's.
    expect(errorsFromSaveError({ code: 'MODEL_NOT_GGUF', message: '' }, { load: { threads: 2 } })).toEqual({});
    expect(errorsFromSaveError({ code: 'INVALID_INPUT', message: '', details: { issues: [{ path: ['embeddingModelPath'], message: 'Too long' }] } }, patch)).toEqual({
      embeddingModelPath: { kind: 'server', message: 'Too long' },
    });
    expect(errorsFromSaveError({ code: 'INTERNAL', message: 'boom' }, patch)).toEqual({});
    expect(errorsFromSaveError(null, patch)).toEqual({});
  });
});

describe('settings form: LoRA adapter', () => {
  const form = formFromSettings(defaultSettings);
  const withLora = { ...defaultSettings, load: { ...defaultSettings.load, lora: { path: '/a/lora.gguf', scale: 0.5 } } };

  it('sets, rescales and clears the adapter', () => {
    expect(buildPatch({ ...form, loraPath: ' /a/lora.gguf ', loraScale: '0.5' }, defaultSettings).patch).toEqual({ load: { lora: { path: '/a/lora.gguf', scale: 0.5 } } });
    const loaded = formFromSettings(withLora);
    expect(loaded).toMatchObject({ loraPath: '/a/lora.gguf', loraScale: '0.5' });
    expect(buildPatch(loaded, withLora).patch).toEqual({});
    expect(buildPatch({ ...loaded, loraScale: '2' }, withLora).patch).toEqual({ load: { lora: { path: '/a/lora.gguf', scale: 2 } } });
    expect(buildPatch({ ...loaded, loraPath: '' }, withLora).patch).toEqual({ load: { lora: null } });
  });

  it('checks the scale only with a path, and puts LORA_* refusals on the path field', () => {
    expect(buildPatch({ ...form, loraScale: '9' }, defaultSettings).errors).toEqual({});
    expect(buildPatch({ ...form, loraPath: '/a/lora.gguf', loraScale: '9' }, defaultSettings).errors).toEqual({ loraScale: { kind: 'range', min: 0, max: 4 } });
    const patch = { load: { lora: { path: '/a/x.gguf', scale: 1 } } };
    expect(errorsFromSaveError({ code: 'LORA_MISMATCH', message: 'other base' }, patch)).toEqual({ loraPath: { kind: 'code', code: 'LORA_MISMATCH', message: 'other base' } });
    expect(errorsFromSaveError({ code: 'LORA_MISMATCH', message: 'x' }, {})).toEqual({});
  });
});
