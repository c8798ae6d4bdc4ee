/** The fit estimate's badge: a translation key, its values and the badge colour, from the verdict. */
import type { ModelFitEstimate } from '../../contract';

export interface FitBadge {
  key: 'models.fit.gpuFull' | 'models.fit.gpuPartial' | 'models.fit.cpuOnly' | 'models.fit.cpuOnlyUnknown' | 'models.fit.doesNotFit';
  values: Record<string, number>;
  tone: 'ok' | 'warn' | 'danger';
}

export function fitBadge(fit: ModelFitEstimate): FitBadge {
  switch (fit.verdict) {
    case 'gpu-full':
      return { key: 'models.fit.gpuFull', values: {}, tone: 'ok' };
    case 'gpu-partial':
      return { key: 'models.fit.gpuPartial', values: { layers: fit.gpuLayers, total: fit.totalLayers }, tone: 'warn' };
    case 'cpu-only':
      return fit.cpuTokensPerSecond !== null && Number.isFinite(fit.cpuTokensPerSecond)
        ? { key: 'models.fit.cpuOnly', values: { speed: Math.max(1, Math.round(fit.cpuTokensPerSecond)) }, tone: 'warn' }
        : { key: 'models.fit.cpuOnlyUnknown', values: {}, tone: 'warn' };
    case 'does-not-fit':
      return { key: 'models.fit.doesNotFit', values: {}, tone: 'danger' };
  }
}

/** Errors that mean the download server cannot be reached from here. */
export const offlineCodes: readonly string[] = ['DOWNLOAD_OFFLINE'];
