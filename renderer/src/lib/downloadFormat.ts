/** Download progress for the UI: speed, remaining time and percentage (locale-aware numbers, short units). */
import { formatBytes } from './format';

/** "3.42 MB/s"; "—" when unknown or zero (the first chunks have no rate yet). */
export function formatSpeed(bytesPerSecond: number | null | undefined, locale: string): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—';
  return `${formatBytes(bytesPerSecond, locale)}/s`;
}

/** "45 s", "12 min 05 s", "3 h 07 min"; "—" when unknown. Rounded up: a download never says 0 s while running. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.ceil(seconds);
  if (total < 60) return `${Math.max(total, 1)} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}

/** 0–100 (one decimal), or null when the total size is not known. */
export function downloadPercent(bytes: number, total: number | null | undefined): number | null {
  if (!total || total <= 0 || !Number.isFinite(bytes)) return null;
  return Math.min(100, Math.floor((bytes / total) * 1000) / 10);
}
