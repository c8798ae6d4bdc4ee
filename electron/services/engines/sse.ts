/**
 * A minimal server-sent-events reader (https://html.spec.whatwg.org/multipage/server-sent-events.html): `data:`
 * lines joined until a blank line make one event. Comments (`:`), `event:`, `id:` and `retry:` are ignored —
 * OpenAI-compatible chat streams only use `data:`.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  /** Feeds decoded text; returns the data of every event it completed. */
  push(text: string): string[] {
    this.buffer += text;
    const events: string[] = [];
    let start = 0;
    for (;;) {
      const newline = this.buffer.indexOf('\n', start);
      if (newline < 0) break;
      let line = this.buffer.slice(start, newline);
      start = newline + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length > 0) events.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The last event when the stream ended without its blank line. */
  end(): string[] {
    const events = this.push('\n\n');
    this.buffer = '';
    return events;
  }
}
