import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract';
import { buildPatch, errorsFromServer, formFromSettings } from './settingsForm';

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
});
