/**
 * i18next setup. Every UI string goes through `t()`; errors are translated by their stable code
 * (`errors.<CODE>`), with the server's own message kept as detail.
 */
import i18next, { type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isErrorCode, type SerializedError } from '../contract';
import { clientErrorKind } from '../api/clientErrors';
import { en } from './en';
import { zhCN } from './zh-CN';

export type UiLanguage = 'en' | 'zh-CN';
export type LanguageSetting = 'system' | UiLanguage;

export const resources = {
  en: { translation: en },
  'zh-CN': { translation: zhCN },
} as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** The UI language for a setting; `system` follows the browser/OS language list. */
export function resolveLanguage(setting: LanguageSetting, preferred: readonly string[] = navigator.languages ?? [navigator.language]): UiLanguage {
  if (setting !== 'system') return setting;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function initI18n(setting: LanguageSetting = 'system') {
  const lng = resolveLanguage(setting);
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes.
    returnNull: false,
    react: { useSuspense: false },
    initAsync: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

export function applyLanguage(setting: LanguageSetting) {
  const lng = resolveLanguage(setting);
  document.documentElement.lang = lng;
  if (i18next.language !== lng) void i18next.changeLanguage(lng);
}

/** The translated, actionable message for an error (by code; connection problems by their client kind). */
export function errorText(t: TFunction, error: Pick<SerializedError, 'code' | 'details'> | { code: string; details?: Record<string, unknown> }): string {
  const kind = clientErrorKind(error);
  if (kind) return t(`errors.client.${kind}`);
  return isErrorCode(error.code) ? t(`errors.${error.code}`) : t('errors.INTERNAL');
}
