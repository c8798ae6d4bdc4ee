/** Creates the services for a CLI command, from the environment (DIANJIN_HOME) and the built layout. */
import { createAppServices, type AppServices } from '../services/app';
import { resolveDataDir } from '../services/paths';
import type { HostKind } from '../shared/api';
import { builtWorkerPath, defaultModelsDir, packageVersion } from './runtime';

export function createCliServices(host: HostKind, options: { modelPath?: string; preloadModel?: boolean } = {}): Promise<AppServices> {
  return createAppServices({
    dataDir: resolveDataDir(),
    host,
    version: packageVersion(),
    workerPath: builtWorkerPath(),
    ...(defaultModelsDir() ? { modelsDir: defaultModelsDir() } : {}),
    ...(options.modelPath ? { modelPath: options.modelPath } : {}),
    preloadModel: options.preloadModel ?? false,
    // A remote engine key for this run only; otherwise a saved one (plain text here, app.info says so).
    ...(process.env.DIANJIN_ENGINE_API_KEY ? { engineApiKey: process.env.DIANJIN_ENGINE_API_KEY } : {}),
  });
}

/** Runs a CLI command with the services, and always lets go of them (database, inference process) after. */
export async function withServices<T>(run: (services: AppServices) => Promise<T>): Promise<T> {
  const services = await createCliServices('cli');
  try {
    return await run(services);
  } finally {
    await services.dispose();
  }
}
