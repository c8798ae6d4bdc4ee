import { describe, expect, it } from 'vitest';
import { tinyModel } from '../../testing/fixtures';
import { loadCatalog } from './catalog';
import { estimateCatalogFit, estimateFileFit, type MachineResources } from './fit';

const GiB = 1024 ** 3;
const cpuOnly16: MachineResources = { totalRamBytes: 16 * GiB, freeRamBytes: 12 * GiB, gpu: false, vram: null, memoryBandwidthBytesPerSecond: 25e9 };
const withGpu = (vramGiB: number): MachineResources => ({ ...cpuOnly16, gpu: 'cuda', vram: { totalBytes: vramGiB * GiB, freeBytes: vramGiB * GiB, unifiedBytes: 0 } });
const entry = (id: string) => loadCatalog().find((e) => e.id === id)!;

describe('catalog', () => {
  it('has DianJin-R1 7B/32B, their Qwen2.5 bases and embedding models; no invented hashes', () => {
    const catalog = loadCatalog();
    for (const id of ['dianjin-r1-7b-q4_k_m', 'dianjin-r1-32b-q8_0', 'qwen2.5-7b-instruct-q5_k_m', 'qwen2.5-32b-instruct-q4_k_m', 'bge-m3-q8_0', 'multilingual-e5-large-q8_0']) expect(entry(id)).toBeDefined();
    for (const e of catalog) if (!e.verified) expect(e.sha256).toBeNull();
  });
});

describe('fit estimate', () => {
  it('catalog: CPU only with a tok/s figure from memory bandwidth', () => {
    const fit = estimateCatalogFit(entry('dianjin-r1-7b-q4_k_m'), cpuOnly16, 8192);
    expect(fit.verdict).toBe('cpu-only');
    expect(fit.approximate).toBe(true);
    // 7.6e9 × 4.85 / 8 ≈ 4.6 GB of weights → 25 GB/s / 4.6 GB ≈ 5.4 tok/s.
    expect(fit.cpuTokensPerSecond).toBeCloseTo(5.4, 0);
    expect(fit.summary).toMatch(/^CPU only, ~5\.\d tok\/s expected/);
  });

  it('catalog: full GPU, partial offload and does-not-fit', () => {
    expect(estimateCatalogFit(entry('dianjin-r1-7b-q4_k_m'), withGpu(24), 8192).verdict).toBe('gpu-full');
    const partial = estimateCatalogFit(entry('dianjin-r1-32b-q4_k_m'), withGpu(12), 8192);
    expect(partial.verdict).toBe('gpu-partial');
    expect(partial.gpuLayers).toBeGreaterThan(0);
    expect(partial.gpuLayers).toBeLessThan(64);
    expect(partial.summary).toMatch(/Partial offload: \d+ of 64 layers/);
    expect(estimateCatalogFit(entry('dianjin-r1-32b-q8_0'), cpuOnly16, 8192).verdict).toBe('does-not-fit');
  });

  it('a larger context needs more memory', () => {
    const small = estimateCatalogFit(entry('dianjin-r1-7b-q4_k_m'), cpuOnly16, 2048);
    const large = estimateCatalogFit(entry('dianjin-r1-7b-q4_k_m'), cpuOnly16, 32768);
    expect(large.ramBytes).toBeGreaterThan(small.ramBytes);
  });

  it('local GGUF through node-llama-cpp’s resolver, without a GPU (CI)', async () => {
    const fit = await estimateFileFit(tinyModel, cpuOnly16, 2048);
    expect(fit.verdict).toBe('cpu-only');
    expect(fit.ramBytes).toBeGreaterThan(0);
    expect(fit.cpuTokensPerSecond).toBeGreaterThan(0);
    expect((await estimateFileFit(tinyModel, withGpu(8), 2048)).verdict).toBe('gpu-full');
    expect((await estimateFileFit(tinyModel, { ...cpuOnly16, totalRamBytes: 1e6, freeRamBytes: 1e5 }, 2048)).verdict).toBe('does-not-fit');
  });
});
