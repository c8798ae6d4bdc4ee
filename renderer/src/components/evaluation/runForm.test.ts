import { describe, expect, it } from 'vitest';
import { defaultSettings, type AppSettings } from '../../contract';
import { buildRunInput, defaultRunForm } from './runForm';

const settings: AppSettings = { ...defaultSettings, modelPath: '/m/dianjin-r1-7b-Q4_K_M.gguf', engine: { kind: 'local', baseUrl: 'http://gpu:8000/v1', model: 'DianJin-R1-32B' } };

describe('run form', () => {
  it('defaults to the selected model, the first set and DianJin-R1 sampling, with the remote engine prefilled', () => {
    const values = defaultRunForm(settings, ['/m/other.gguf'], ['set-a', 'set-b']);
    expect(values).toMatchObject({ setId: 'set-a', temperature: '0.6', topP: '0.95', maxTokens: '4096', subset: 'all', judgeEnabled: false });
    expect(values.target).toMatchObject({ kind: 'local', modelPath: '/m/dianjin-r1-7b-Q4_K_M.gguf', baseUrl: 'http://gpu:8000/v1', model: 'DianJin-R1-32B' });
    expect(values.judge.kind).toBe('remote');
    // No model in the settings: the one loaded now, else the first in the list.
    expect(defaultRunForm(defaultSettings, ['/m/a.gguf'], [], '/m/loaded.gguf').target.modelPath).toBe('/m/loaded.gguf');
    expect(defaultRunForm(defaultSettings, ['/m/a.gguf'], []).target.modelPath).toBe('/m/a.gguf');
  });

  it('builds a local run with a limit, an adapter and a label', () => {
    const values = defaultRunForm(settings, [], ['s']);
    const { input, errors } = buildRunInput({ ...values, target: { ...values.target, loraPath: ' /a/lora.gguf ', loraScale: '0.5' }, subset: 'limit', count: '3', maxTokens: '24', label: ' quick ' });
    expect(errors).toBeNull();
    expect(input).toEqual({
      setId: 's',
      target: { kind: 'local', modelPath: '/m/dianjin-r1-7b-Q4_K_M.gguf', lora: { path: '/a/lora.gguf', scale: 0.5 } },
      sampling: { temperature: 0.6, topP: 0.95, maxTokens: 24 },
      limit: 3,
      label: 'quick',
    });
  });

  it('builds a seeded sample on a remote engine with a local judge', () => {
    const values = defaultRunForm(settings, [], ['s']);
    const { input } = buildRunInput({
      ...values,
      target: { ...values.target, kind: 'remote' },
      subset: 'sample',
      count: '50',
      seed: '7',
      judgeEnabled: true,
      judge: { ...values.judge, kind: 'local', modelPath: '/m/judge.gguf' },
    });
    expect(input).toMatchObject({ target: { kind: 'remote', baseUrl: 'http://gpu:8000/v1', model: 'DianJin-R1-32B' }, sample: { size: 50, seed: 7 }, judge: { kind: 'local', modelPath: '/m/judge.gguf' } });
    expect(input).not.toHaveProperty('limit');
  });

  it('names every bad field', () => {
    const values = defaultRunForm(null, [], []);
    const { input, errors } = buildRunInput({
      ...values,
      target: { ...values.target, kind: 'remote', baseUrl: 'gpu:8000', model: ' ' },
      temperature: '3',
      topP: '0',
      maxTokens: '8',
      subset: 'sample',
      count: '1.5',
      seed: '-1',
      judgeEnabled: true,
      judge: { ...values.judge, kind: 'local', modelPath: '' },
    });
    expect(input).toBeNull();
    expect(errors).toEqual({
      setId: 'setRequired',
      'target.baseUrl': 'urlInvalid',
      'target.model': 'remoteModelRequired',
      'judge.modelPath': 'modelRequired',
      temperature: 'temperatureInvalid',
      topP: 'topPInvalid',
      maxTokens: 'maxTokensInvalid',
      count: 'countInvalid',
      seed: 'seedInvalid',
    });
  });

  it('ignores the judge fields when no judge is asked for, and an adapter scale out of range is an error', () => {
    const values = defaultRunForm(settings, [], ['s']);
    expect(buildRunInput({ ...values, judge: { ...values.judge, baseUrl: 'nonsense' } }).errors).toBeNull();
    expect(buildRunInput({ ...values, target: { ...values.target, loraPath: '/a.gguf', loraScale: '5' } }).errors).toEqual({ 'target.loraScale': 'loraScaleInvalid' });
  });
});
