/**
 * OpenAI's `stop`: the answer ends before the first stop sequence, which is never shown. The inference process knows
 * no custom stop triggers, so the answer stream is filtered here and the generation aborted on a match. While text
 * streams, the tail that could still become a stop sequence is held back (at most the longest sequence less one).
 */
export class StopSequenceFilter {
  private held = '';
  private emitted = '';
  private _stopped = false;
  private readonly longest: number;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = Math.max(0, ...sequences.map((s) => s.length));
  }

  /** True once a stop sequence came; later text is dropped. */
  get stopped(): boolean {
    return this._stopped;
  }

  /** Everything let through so far. */
  get text(): string {
    return this.emitted;
  }

  /** Feeds answer text; returns what is now definitely part of the answer. */
  push(chunk: string): string {
    if (this._stopped || chunk.length === 0) return '';
    if (this.longest === 0) return this.release(chunk);
    const text = this.held + chunk;
    let cut = -1;
    for (const sequence of this.sequences) {
      const at = text.indexOf(sequence);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this._stopped = true;
      this.held = '';
      return this.release(text.slice(0, cut));
    }
    // Hold back the longest tail that is a prefix of some stop sequence.
    let keep = 0;
    for (let length = Math.min(this.longest - 1, text.length); length > 0; length--) {
      const tail = text.slice(text.length - length);
      if (this.sequences.some((s) => s.startsWith(tail))) {
        keep = length;
        break;
      }
    }
    this.held = text.slice(text.length - keep);
    return this.release(text.slice(0, text.length - keep));
  }

  /** The output ended without a match: the held-back tail is answer after all. */
  end(): string {
    if (this._stopped) return '';
    const rest = this.held;
    this.held = '';
    return this.release(rest);
  }

  private release(text: string): string {
    this.emitted += text;
    return text;
  }
}

/** The text before the first stop sequence (all of it when none occurs). */
export function cutAtStop(text: string, sequences: readonly string[]): string {
  let cut = text.length;
  for (const sequence of sequences) {
    const at = sequence.length > 0 ? text.indexOf(sequence) : -1;
    if (at >= 0 && at < cut) cut = at;
  }
  return text.slice(0, cut);
}
