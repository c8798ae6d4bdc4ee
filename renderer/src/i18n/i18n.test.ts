import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { errorCodes } from '../contract';
import { clientError } from '../api/clientErrors';
import { en } from './en';
import { zhCN } from './zh-CN';
import { errorText, resolveLanguage, resources } from '.';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  it('zh-CN has exactly the English keys, none empty', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    for (const key of keys(zhCN)) expect(key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], zhCN)).not.toBe('');
  });

  it('has a message for every error code in both languages', () => {
    for (const code of errorCodes) {
      expect(en.errors[code], code).toBeTruthy();
      expect(zhCN.errors[code], code).toBeTruthy();
    }
  });

  it('translates errors by code, connection problems by their kind', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources, lng: 'zh-CN', fallbackLng: 'en', interpolation: { escapeValue: false } });
    expect(errorText(i18n.t, { code: 'MODEL_TRUNCATED' })).toBe(zhCN.errors.MODEL_TRUNCATED);
    expect(errorText(i18n.t, clientError('connectionLost', 'lost'))).toBe(zhCN.errors.client.connectionLost);
    expect(errorText(i18n.t, { code: 'SOMETHING_ELSE' })).toBe(zhCN.errors.INTERNAL);
    await i18n.changeLanguage('en');
    expect(i18n.t('chat.stats.tokens', { count: 1 })).toBe('1 token');
    expect(i18n.t('chat.stats.tokens', { count: 12345 })).toBe('12,345 tokens');
  });

  it('resolves the system language from the preferred list', () => {
    expect(resolveLanguage('system', ['zh-TW', 'en'])).toBe('zh-CN');
    expect(resolveLanguage('system', ['fr-FR', 'en-GB'])).toBe('en');
    expect(resolveLanguage('system', ['de'])).toBe('en');
    expect(resolveLanguage('zh-CN', ['en'])).toBe('zh-CN');
  });
});
