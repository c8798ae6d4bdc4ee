/**
 * The loaders write their warnings in English ("no text layer (scanned) on 2 of 3 pages: 2–3"); the known ones are
 * recognised here and translated, anything else is shown as written.
 */
import type { TFunction } from 'i18next';

type Translate = (t: TFunction, match: RegExpMatchArray) => string;

const known: [RegExp, Translate][] = [
  [/^no text layer \(scanned\) on (\d+) of (\d+) pages: (.+)$/u, (t, m) => t('library.warnings.scanned', { count: Number(m[1]), total: Number(m[2]), pages: m[3] })],
  [/^(\d+) page\(s\) could not be read: (.+)$/u, (t, m) => t('library.warnings.unreadablePages', { count: Number(m[1]), pages: m[2] })],
  [/^sheet "(.+)" is hidden$/u, (t, m) => t('library.warnings.hiddenSheet', { sheet: m[1] })],
  [/^sheet "(.+)": (\d+) formula\(s\) have no saved result/u, (t, m) => t('library.warnings.formulas', { sheet: m[1], count: Number(m[2]) })],
  [/^not UTF-8: decoded as GB18030\/GBK$/u, (t) => t('library.warnings.gbk')],
];

export function warningText(t: TFunction, warning: string): string {
  for (const [pattern, translate] of known) {
    const match = warning.match(pattern);
    if (match) return translate(t, match);
  }
  return warning;
}
