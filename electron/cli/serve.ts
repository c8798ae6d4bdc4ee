/** `dianjin serve`: the workbench in a browser, and the API, on 127.0.0.1 behind a token. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startApiServer } from '../server/ApiServer';
import { createOpenAiRoutes } from '../server/openai';
import { builtRendererDir } from './runtime';
import { createCliServices } from './services';

export interface ServeOptions {
  port: number;
  token?: string;
  model?: string;
  json?: boolean;
}

export async function runServe(options: ServeOptions): Promise<void> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (token.length < 8 || !/^[\w.~-]+$/.test(token)) throw new Error('The token must be at least 8 characters of letters, digits, "-", "_", "." or "~".');
  const services = await createCliServices('browser', { ...(options.model ? { modelPath: options.model } : {}), preloadModel: true });
  const staticDir = builtRendererDir();
  const server = await startApiServer({
    dispatcher: services.dispatcher,
    token,
    port: options.port,
    staticDir,
    uploadDir: path.join(services.paths.dataDir, 'uploads'),
    // The OpenAI-compatible API (/v1) for notebooks and add-ins, with the same token as its API key.
    extraRoutes: createOpenAiRoutes({ token, store: services.store, models: services.models, inference: services.inference }),
  });
  const url = `${server.url}?token=${encodeURIComponent(token)}`;
  if (options.json) {
    process.stdout.write(JSON.stringify({ url, port: server.port, token, dataDir: services.paths.dataDir, pid: process.pid }) + '\n');
  } else {
    process.stdout.write(`DianJin Workbench is serving on 127.0.0.1 only.\nOpen: ${url}\nOpenAI-compatible API: ${server.url}v1 (API key: the token)\nData: ${services.paths.dataDir}\nPress Ctrl+C to stop.\n`);
    if (!staticDir) process.stderr.write('dianjin: the renderer is not built, so only the API is served. Run `npm run build` for the browser UI.\n');
  }
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    await services.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
