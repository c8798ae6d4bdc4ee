/**
 * "Will this model run here, and how?" for a catalog entry (before download) or a local GGUF, at a context size:
 * fits fully on the GPU / partial offload N of M layers / CPU only ~x tok/s / does not fit.
 *
 * Local files go through node-llama-cpp's own resolver (GgufInsights.configurationResolver.resolveAndScoreConfig,
 * the logic `gpuLayers: "auto"` uses when loading) with this machine's RAM/VRAM passed as hardware overrides, so the
 * estimate needs no GPU backend and runs in CI. Catalog entries have no file to read yet, so they use the same
 * quantities by hand: weights + f16 KV cache (2 × layers × context × kvHeads × headDim × 2 bytes) + graph overhead.
 *
 * CPU speed: generating a token reads every weight once, so decoding is memory-bandwidth bound:
 * tok/s ≈ effective bandwidth / bytes of weights on the CPU. Effective bandwidth defaults (what llama.cpp reaches,
 * roughly 50–60% of the theoretical peak): 25 GB/s on x64 desktops/laptops (dual-channel DDR4-3200 peaks at 51 GB/s),
 * 60 GB/s on Apple silicon (M1 peaks at 68 GB/s; Pro/Max are faster), 20 GB/s on other arm64. Pass
 * `memoryBandwidthBytesPerSecond` to use a measured figure. It is an order of magnitude, and the summary says "~".
 */
import os from 'node:os';
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp';
import type { CatalogEntry, ModelFitEstimate } from '../../shared/models';

export interface MachineResources {
  totalRamBytes: number;
  freeRamBytes: number;
  /** The GPU backend llama.cpp would use; false for none (CI, CPU-only builds). */
  gpu: false | 'cuda' | 'metal' | 'vulkan';
  /** null when unknown or no GPU. On Apple silicon `unifiedBytes` is shared with RAM. */
  vram: { totalBytes: number; freeBytes: number; unifiedBytes: number } | null;
  /** Effective memory bandwidth for CPU decoding. Defaults by platform (see the file comment). */
  memoryBandwidthBytesPerSecond?: number;
}

/** This machine's RAM from the OS, no GPU (add `vram` from `getLlama().getVramState()` in the inference process). */
export function machineFromOs(): MachineResources {
  return { totalRamBytes: os.totalmem(), freeRamBytes: os.freemem(), gpu: false, vram: null };
}

export function defaultMemoryBandwidth(platform: NodeJS.Platform = process.platform, arch: string = process.arch): number {
  if (platform === 'darwin' && arch === 'arm64') return 60e9;
  if (arch === 'arm64') return 20e9;
  return 25e9;
}

/** Bits per weight of llama.cpp quantizations (averages over a Qwen2.5 model's tensors). */
const bitsPerWeight: Record<string, number> = { Q2_K: 3.0, Q3_K_M: 3.9, Q4_0: 4.55, Q4_K_S: 4.6, Q4_K_M: 4.85, Q5_K_S: 5.55, Q5_K_M: 5.7, Q6_K: 6.6, Q8_0: 8.5, F16: 16, BF16: 16, F32: 32 };

/** Memory llama.cpp keeps free on the GPU, and the compute graph's share (rough, as in node-llama-cpp's insights). */
const vramPaddingBytes = 512 * 1024 ** 2;
const graphOverheadBytes = (modelBytes: number) => 128 * 1024 ** 2 + modelBytes * 0.03;

function cpuTokensPerSecond(bytesOnCpu: number, machine: MachineResources): number {
  const bandwidth = machine.memoryBandwidthBytesPerSecond ?? defaultMemoryBandwidth();
  return Math.round((bandwidth / Math.max(bytesOnCpu, 1)) * 10) / 10;
}

function describe(fit: Omit<ModelFitEstimate, 'summary'>): string {
  const approx = fit.approximate ? ' (size estimated)' : '';
  switch (fit.verdict) {
    case 'gpu-full':
      return `Fits fully on the GPU at ${fit.contextSize} tokens of context${approx}.`;
    case 'gpu-partial':
      return `Partial offload: ${fit.gpuLayers} of ${fit.totalLayers} layers on the GPU, ~${fit.cpuTokensPerSecond} tok/s expected${approx}.`;
    case 'cpu-only':
      return `CPU only, ~${fit.cpuTokensPerSecond} tok/s expected${approx}.`;
    case 'does-not-fit': {
      const gib = ((fit.ramBytes + fit.vramBytes) / 1024 ** 3).toFixed(1);
      return `Does not fit: needs about ${gib} GiB at ${fit.contextSize} tokens of context${approx}; choose a smaller quantization or context.`;
    }
  }
}

function finish(fit: Omit<ModelFitEstimate, 'summary'>): ModelFitEstimate {
  return { ...fit, summary: describe(fit) };
}

/** Model size in bytes: the catalog's when known, else parameters × bits per weight. */
export function catalogModelBytes(entry: CatalogEntry): { bytes: number; approximate: boolean } {
  if (entry.sizeBytes !== null) return { bytes: entry.sizeBytes, approximate: false };
  const bpw = bitsPerWeight[entry.quantization.toUpperCase()] ?? 8.5;
  return { bytes: Math.round((entry.parameters * bpw) / 8), approximate: true };
}

/** The fit of a catalog entry, by hand (there is no file to read yet). */
export function estimateCatalogFit(entry: CatalogEntry, machine: MachineResources, contextSize: number): ModelFitEstimate {
  const ctx = Math.min(contextSize, entry.contextLength);
  const { bytes: modelBytes, approximate } = catalogModelBytes(entry);
  const { layers, kvHeads, headDim } = entry.architecture;
  const kvBytesPerLayer = 2 * ctx * kvHeads * headDim * 2;
  const overhead = graphOverheadBytes(modelBytes);
  // The output/embedding tensors (~5% of a 7B model) stay with the last layer; spread them evenly for simplicity.
  const perLayer = modelBytes / layers + kvBytesPerLayer;
  const total = modelBytes + kvBytesPerLayer * layers + overhead;
  const base = { totalLayers: layers, contextSize: ctx, approximate };

  if (machine.gpu !== false && machine.vram) {
    const usable = machine.vram.freeBytes - vramPaddingBytes - overhead;
    if (total - overhead <= usable) return finish({ ...base, verdict: 'gpu-full', gpuLayers: layers, ramBytes: 0, vramBytes: total, cpuTokensPerSecond: null });
    const gpuLayers = Math.max(0, Math.min(layers - 1, Math.floor(usable / perLayer)));
    if (gpuLayers > 0) {
      const ramBytes = (layers - gpuLayers) * perLayer;
      if (ramBytes <= machine.totalRamBytes) {
        const cpuWeights = (modelBytes / layers) * (layers - gpuLayers);
        return finish({ ...base, verdict: 'gpu-partial', gpuLayers, ramBytes, vramBytes: gpuLayers * perLayer + overhead, cpuTokensPerSecond: cpuTokensPerSecond(cpuWeights, machine) });
      }
    }
  }
  if (total > machine.totalRamBytes) return finish({ ...base, verdict: 'does-not-fit', gpuLayers: 0, ramBytes: total, vramBytes: 0, cpuTokensPerSecond: null });
  return finish({ ...base, verdict: 'cpu-only', gpuLayers: 0, ramBytes: total, vramBytes: 0, cpuTokensPerSecond: cpuTokensPerSecond(modelBytes, machine) });
}

/** The fit of a local GGUF file, from node-llama-cpp's configuration resolver with this machine as overrides. */
export async function estimateFileFit(filePath: string, machine: MachineResources, contextSize: number): Promise<ModelFitEstimate> {
  const info = await readGgufFileInfo(filePath, { logWarnings: false, spliceSplitFiles: false });
  const insights = await GgufInsights.from(info);
  const ctx = Math.min(contextSize, insights.trainContextSize ?? contextSize);
  const vram = machine.gpu !== false ? machine.vram : null;
  const resolved = await insights.configurationResolver.resolveAndScoreConfig(
    { targetContextSize: ctx },
    {
      getVramState: async () => ({ total: vram?.totalBytes ?? 0, free: vram?.freeBytes ?? 0, unifiedSize: vram?.unifiedBytes ?? 0 }),
      getRamState: async () => ({ total: machine.totalRamBytes, free: machine.freeRamBytes }),
      getSwapState: async () => ({ total: 0, free: 0 }),
      llamaGpu: machine.gpu,
      llamaSupportsGpuOffloading: machine.gpu !== false && vram !== null,
    },
  );
  const v = resolved.resolvedValues;
  const totalLayers = insights.totalLayers;
  const base = { totalLayers, contextSize: v.contextSize, approximate: false, ramBytes: v.totalRamUsage, vramBytes: v.totalVramUsage };
  // The resolver scores 0 when even a CPU-only load cannot fit; RAM beyond the machine's total never fits (mmap or not).
  if (resolved.compatibilityScore === 0 || v.totalRamUsage > machine.totalRamBytes) return finish({ ...base, verdict: 'does-not-fit', gpuLayers: 0, cpuTokensPerSecond: null });
  const gpuLayers = vram ? v.gpuLayers : 0;
  if (gpuLayers >= totalLayers) return finish({ ...base, verdict: 'gpu-full', gpuLayers, cpuTokensPerSecond: null });
  const cpuWeights = (insights.modelSize / totalLayers) * (totalLayers - gpuLayers);
  return finish({ ...base, verdict: gpuLayers > 0 ? 'gpu-partial' : 'cpu-only', gpuLayers, cpuTokensPerSecond: cpuTokensPerSecond(cpuWeights, machine) });
}

/** RAM/VRAM bytes of a local GGUF at a context size, CPU-only and fully offloaded (node-llama-cpp's estimates). */
export async function estimateFileMemory(filePath: string, contextSize: number): Promise<{ contextSize: number; cpuOnly: { ramBytes: number }; fullGpu: { ramBytes: number; vramBytes: number } }> {
  const info = await readGgufFileInfo(filePath, { logWarnings: false, spliceSplitFiles: false });
  const insights = await GgufInsights.from(info);
  const ctx = Math.min(contextSize, insights.trainContextSize ?? contextSize);
  const total = (gpuLayers: number) => {
    const model = insights.estimateModelResourceRequirements({ gpuLayers });
    const context = insights.estimateContextResourceRequirements({ contextSize: ctx, modelGpuLayers: gpuLayers });
    return { ramBytes: model.cpuRam + context.cpuRam, vramBytes: model.gpuVram + context.gpuVram };
  };
  const cpu = total(0);
  return { contextSize: ctx, cpuOnly: { ramBytes: cpu.ramBytes + cpu.vramBytes }, fullGpu: total(insights.totalLayers) };
}
