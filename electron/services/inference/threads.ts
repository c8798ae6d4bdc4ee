/**
 * Default CPU thread count for llama.cpp contexts: one less than the cores the process may use, at least 1.
 *
 * Why not node-llama-cpp's default: with no GPU it allows max(4, cpuMathCores) threads, i.e. 4 on a 2-core machine.
 * ggml's threads meet at a spinning barrier after every op, so when a thread is descheduled (more threads than
 * cores, or any other process wanting a core) every op waits for it.
 *
 * Measured on the 2-core target (Intel Xeon, cpuMathCores 2, os.availableParallelism() 2, node-llama-cpp 3.22.1,
 * generated F32 qwen2 models, 63-token prompt, up to 64 decoded tokens, median decode tok/s of interleaved runs;
 * `npx tsx scripts/measureThreads.ts --runs 3`, tables in docs/threads.md):
 *
 *   model                         machine                     1 thread   2 threads          4 / default (4)
 *   tiny  (embd 64, 2 layers)     quiet                       376        84   (0.22x)       3.7 (0.010x)
 *   e512  (embd 512, 8 layers)    quiet                       34.5       44   (1.28x)       1.0 (0.029x)
 *   e512                          + 50% of a core busy        32.2       37.4 (1.16x; a run at 13)  0.6
 *   e1024 (embd 1024, 12 layers)  others' e2e tests running   6.6        2.4  (0.37x; runs 1.3-18)  0.2
 *
 * 4 threads on 2 cores decodes 35-170x slower on a quiet machine: never oversubscribe. Using every core gains at best ~1.3x on a quiet
 * machine and collapses (2-5x slower, erratic) as soon as anything else wants a core — and in this app the Electron
 * UI renders the token stream on the same cores while inference runs. So we leave one core free: on the 2-core
 * target that is 1 thread, the only setting that was fast in every run. Users can set a count in the load settings.
 */
export function defaultThreadCount(info: { cpuMathCores: number; availableParallelism: number }): number {
  // cpuMathCores counts physical cores (no SMT siblings); availableParallelism honours the process's CPU affinity.
  // Either may be 0/NaN if detection failed; then use the other, and 1 if neither is known.
  const usable = [info.cpuMathCores, info.availableParallelism]
    .map((count) => Math.floor(count))
    .filter((count) => Number.isFinite(count) && count > 0);
  if (usable.length === 0) return 1;
  return Math.max(1, Math.min(...usable) - 1);
}
