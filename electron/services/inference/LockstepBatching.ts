/**
 * Lockstep decoding for a context whose sequences generate together (GRPO rollouts): each step, every sequence still
 * generating queues its next token at the same moment and in sequence-id order, so node-llama-cpp decodes them as
 * one batch and llama.cpp runs that batch as ONE graph.
 *
 * Why node-llama-cpp's own batching is not enough (3.22.1; the decode batches logged and the process profiled):
 * - Its dispatch loop (LlamaContext.dispatchPendingBatch) decodes again as soon as anything is queued. A sequence
 *   resumes a few microtasks after its sampled token is delivered, so one of eight always missed the batch: batches
 *   of 7, the straggler joining the next.
 * - Its contexts keep one KV stream per sequence (`kv_unified = false` in AddonContext.cpp), and llama.cpp then
 *   splits a batch with `split_equal(n_ubatch, sequential = true)` (src/llama-kv-cache.cpp `init_batch`): a ubatch
 *   takes only consecutive, increasing sequence ids in batch order. A batch queued 6,0,1,2,4,7,5 ran as three graphs
 *   ({6,7}, {0,1,2}, {4,5}), each reading every weight again.
 * So each sequence, having taken its token, waits at `arrive()` until every sequence still generating has taken its
 * own (or `leave()`s); all are then released together, in sequence order, on a later event-loop turn — after the
 * dispatch loop found nothing queued and let go — and queue in that order within one turn.
 */
export class LockstepBatching {
  private waiting: { index: number; resume: () => void }[] = [];
  private releaseScheduled = false;

  /** @param live how many sequences generate together. */
  constructor(private live: number) {}

  /** Sequence `index` has its token for this step; resolves when every live sequence has. */
  arrive(index: number): Promise<void> {
    return new Promise((resume) => {
      this.waiting.push({ index, resume });
      this.releaseIfComplete();
    });
  }

  /** Sequence stopped generating: the rest no longer wait for it. */
  leave(): void {
    this.live = Math.max(0, this.live - 1);
    this.releaseIfComplete();
  }

  private releaseIfComplete(): void {
    if (this.releaseScheduled || this.waiting.length === 0 || this.waiting.length < this.live) return;
    this.releaseScheduled = true;
    setImmediate(() => {
      this.releaseScheduled = false;
      const released = this.waiting.sort((a, b) => a.index - b.index);
      this.waiting = [];
      for (const { resume } of released) resume();
    });
  }
}
