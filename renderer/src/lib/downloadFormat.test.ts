import { describe, expect, it } from 'vitest';
import { downloadPercent, formatEta, formatSpeed } from './downloadFormat';

describe('download formatting', () => {
  it('formats speed in bytes per second with the locale', () => {
    expect(formatSpeed(0, 'en')).toBe('—');
    expect(formatSpeed(null, 'en')).toBe('—');
    expect(formatSpeed(512, 'en')).toBe('512 B/s');
    expect(formatSpeed(3.5 * 1024 * 1024, 'en')).toBe('3.50 MB/s');
    expect(formatSpeed(25 * 1024 * 1024, 'de')).toBe('25,0 MB/s');
  });

  it('formats the remaining time, rounded up', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatEta(0.2)).toBe('1 s');
    expect(formatEta(0)).toBe('1 s');
    expect(formatEta(44.1)).toBe('45 s');
    expect(formatEta(725)).toBe('12 min 05 s');
    expect(formatEta(3 * 3600 + 7 * 60 + 30)).toBe('3 h 07 min');
  });

  it('gives a percentage only with a known total', () => {
    expect(downloadPercent(50, null)).toBeNull();
    expect(downloadPercent(50, 0)).toBeNull();
    expect(downloadPercent(1, 3)).toBe(33.3);
    expect(downloadPercent(5, 4)).toBe(100);
  });
});
