import { describe, expect, it } from 'vitest';
import { defaultThreadCount } from './threads';

describe('defaultThreadCount', () => {
  it('uses 1 thread on the 2-core target instead of node-llama-cpp’s 4', () => {
    expect(defaultThreadCount({ cpuMathCores: 2, availableParallelism: 2 })).toBe(1);
  });

  it('leaves one core free on bigger machines', () => {
    expect(defaultThreadCount({ cpuMathCores: 8, availableParallelism: 8 })).toBe(7);
  });

  it('never exceeds the CPUs the process may run on', () => {
    expect(defaultThreadCount({ cpuMathCores: 8, availableParallelism: 4 })).toBe(3); // affinity / container limit
    expect(defaultThreadCount({ cpuMathCores: 1, availableParallelism: 1 })).toBe(1);
  });

  it('counts physical cores, not SMT siblings', () => {
    expect(defaultThreadCount({ cpuMathCores: 4, availableParallelism: 8 })).toBe(3);
  });

  it('falls back sensibly when detection fails', () => {
    expect(defaultThreadCount({ cpuMathCores: 0, availableParallelism: 6 })).toBe(5);
    expect(defaultThreadCount({ cpuMathCores: Number.NaN, availableParallelism: 0 })).toBe(1);
    expect(defaultThreadCount({ cpuMathCores: 3.9, availableParallelism: 4 })).toBe(2);
  });

  it('is always a positive integer below the core count when there is more than one core', () => {
    for (let cores = 0; cores <= 16; cores++) {
      for (let parallelism = 0; parallelism <= 16; parallelism++) {
        const threads = defaultThreadCount({ cpuMathCores: cores, availableParallelism: parallelism });
        expect(Number.isInteger(threads) && threads >= 1).toBe(true);
        for (const limit of [cores, parallelism]) {
          if (limit > 1) expect(threads).toBeLessThan(limit);
        }
      }
    }
  });
});
