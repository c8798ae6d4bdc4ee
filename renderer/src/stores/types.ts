import type { ParseKeys } from 'i18next';

/** Any key of the translation resources (checked against ../i18n/en.ts). */
export type TranslationKey = ParseKeys;
