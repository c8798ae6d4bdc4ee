/**
 * Rewrites Hugging Face URLs for the chosen mirror. `https://huggingface.co/<org>/<repo>/resolve/<rev>/<file>` is the
 * canonical form the catalog uses; other URLs pass through unchanged.
 */
import type { MirrorChoice } from '../../../shared/models';

const hf = 'https://huggingface.co/';

export function rewriteForMirror(url: string, mirror: MirrorChoice | undefined): string {
  if (!mirror || mirror === 'huggingface' || !url.startsWith(hf)) return url;
  if (mirror === 'hf-mirror') return 'https://hf-mirror.com/' + url.slice(hf.length);
  if (mirror === 'modelscope') {
    // ModelScope keeps the same org/repo names for most mirrored GGUF repos; its files live under resolve/master.
    const match = /^([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(url.slice(hf.length));
    return match ? `https://www.modelscope.cn/models/${match[1]}/resolve/master/${match[2]}` : url;
  }
  const base = mirror.custom.endsWith('/') ? mirror.custom : mirror.custom + '/';
  return base + url.slice(hf.length);
}

/** Parses the CLI/env form: "huggingface" | "hf-mirror" | "modelscope" | an http(s) base URL. */
export function parseMirror(value: string): MirrorChoice {
  if (value === 'huggingface' || value === 'hf-mirror' || value === 'modelscope') return value;
  if (/^https?:\/\/[^\s]+$/.test(value)) return { custom: value };
  throw new Error(`Unknown mirror "${value}": use huggingface, hf-mirror, modelscope or a base URL such as https://mirror.example.com/.`);
}
