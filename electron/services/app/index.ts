/**
 * Composes the services into the API's handlers. The same composition backs the Electron app, `dianjin serve` and
 * the CLI; only the host (how the inference process is spawned, which host kind) differs.
 */
import nodePath from 'node:path';
import type { AppEvent, AppInfo, HostKind, InferenceStatus } from '../../shared/api';
import type { AppSettings } from '../../shared/records';
import type { IngestProgress } from '../../shared/documents';
import { AppError } from '../../shared/errors';
import { ApiDispatcher, type ApiHandlers } from '../../shared/transport';
import { ChatService } from '../chat/ChatService';
import { EventHub } from '../events/EventHub';
import { InferenceHost } from '../inference/InferenceHost';
import { checkTrace } from '../inspector';
import { DocumentService } from '../documents/DocumentService';
import { SourcePassages } from '../documents/sourcePrompt';
import { DocumentIndex } from '../retrieval';
import { AsyncChannel } from '../events/EventHub';
import { TraceService } from '../inspection/TraceService';
import { EvaluationRepository, EvaluationService, evalTargets } from '../evaluation';
import { TrainingRepository, TrainingService, locateTrainer, prepWorkerPathBeside } from '../training';
import { exportTrainingJob } from '../training/export';
import { GrpoRepository, GrpoService, grpoRollouts } from '../training/grpo';
import { checkpointSampler } from '../training/checkpointSamples';
import { forkInferenceProcess, type SpawnInferenceProcess } from '../inference/process';
import { ModelService } from '../models/ModelService';
import { ModelLibrary } from '../models/ModelLibrary';
import { inspectLoraAdapter } from '../models/inspectLora';
import { DownloadManager } from '../models/downloads/DownloadManager';
import { estimateCatalogFit, machineFromOs } from '../models/fit';
import { loadCatalog } from '../models/catalog';
import type { DownloadProgress } from '../../shared/models';
import { appPaths, ensureAppPaths, type AppPaths } from '../paths';
import { Store } from '../store';
import { EngineKeys, RemoteEngine } from '../engines';
import { PlainTextSecretStore, secretsWarning, type SecretStore } from '../secrets';

export interface AppServicesOptions {
  dataDir: string;
  host: HostKind;
  version: string;
  /** The built inference process entry (dist/electron/inferenceWorker.js). */
  workerPath: string;
  spawnInferenceProcess?: SpawnInferenceProcess;
  /** Select this model at start (e.g. `dianjin serve --model PATH`). */
  modelPath?: string;
  /** Load the selected model right away so the first question is fast. Defaults to true. */
  preloadModel?: boolean;
  /** The folder scanned for GGUF files. Defaults to `<dataDir>/models`. */
  modelsDir?: string;
  /** Memory a model may use (for the "too big" check). Defaults to the machine's total memory. */
  totalMemoryBytes?: number;
  /** better-sqlite3's addon built for this runtime's ABI (Electron in development). Defaults to the installed build. */
  sqliteNativeBinding?: string;
  /**
   * Where secrets (the remote engine's API key) are kept: the Electron app passes its safeStorage-backed store.
   * Defaults to a PLAIN-TEXT file in the data dir, which app.info reports (`secretsEncrypted: false`).
   */
  secrets?: SecretStore;
  /** A remote engine API key for this process only (the CLI's DIANJIN_ENGINE_API_KEY): used as given, never saved. */
  engineApiKey?: string;
  /** The native trainer binary. Defaults to DIANJIN_TRAINER, else the build output (`npm run build:trainer`). */
  trainerPath?: string;
}

export interface AppServices {
  dispatcher: ApiDispatcher;
  handlers: ApiHandlers;
  paths: AppPaths;
  store: Store;
  inference: InferenceHost;
  models: ModelService;
  chat: ChatService;
  documents: DocumentService;
  evaluation: EvaluationService;
  training: TrainingService;
  grpo: GrpoService;
  events: EventHub<AppEvent>;
  dispose(): Promise<void>;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const paths = appPaths(options.dataDir, options.modelsDir ? { modelsDir: options.modelsDir } : {});
  ensureAppPaths(paths);
  const store = Store.open(paths.dbFile, options.sqliteNativeBinding ? { nativeBinding: options.sqliteNativeBinding } : {});
  // Answers that were streaming when the app last stopped keep their partial text, marked interrupted.
  store.markStreamingInterrupted();
  const events = new EventHub<AppEvent>();
  let chat: ChatService | null = null;
  const inference = new InferenceHost({
    workerPath: options.workerPath,
    spawn: options.spawnInferenceProcess ?? forkInferenceProcess,
    onStatus: (status) => events.emit({ type: 'inference.status', status }),
    onRestarted: (reason) => events.emit({ type: 'inference.restarted', reason, interruptedMessageId: chat?.takeInterruptedMessageId() ?? null }),
  });
  const models = new ModelService({ modelsDir: paths.modelsDir, host: inference, ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}) });
  // Imported and downloaded models (by path) and the download mirror; download jobs survive restarts.
  const library = new ModelLibrary(nodePath.join(paths.dataDir, 'model-library.json'), paths.modelsDir);
  const downloads = new DownloadManager({
    jobsFile: nodePath.join(paths.dataDir, 'downloads.json'),
    modelsDir: paths.modelsDir,
    mirror: () => library.mirror,
    onCompleted: (result) => void library.add(result.path, 'downloaded'),
  });
  const documents = new DocumentService({
    index: new DocumentIndex(store.database),
    // The embedding model chosen in Settings, run in the inference process; none set = keyword search only.
    embedder: () => {
      const { embeddingModelPath, load } = store.getSettings();
      if (!embeddingModelPath) return null;
      return { embed: (texts, signal) => inference.embed(embeddingModelPath, texts, { threads: load.threads, gpu: load.gpu, ...(signal ? { signal } : {}) }) };
    },
  });
  const secrets = options.secrets ?? new PlainTextSecretStore(paths.dataDir);
  const engineKeys = new EngineKeys(secrets, options.engineApiKey ?? null);
  const remoteEngine = async (target: { baseUrl: string; model: string }, apiKey?: string) =>
    new RemoteEngine({ ...target, apiKey: apiKey ?? (await engineKeys.keyFor(target.baseUrl)) });
  chat = new ChatService({ store, host: inference, models, events, sources: new SourcePassages(documents), remoteEngine: (target) => remoteEngine(target) });
  const chatService = chat;
  const traces = new TraceService(store);
  const evaluation = new EvaluationService({
    repository: new EvaluationRepository(store.database),
    events,
    ...evalTargets({
      workerPath: options.workerPath,
      spawn: options.spawnInferenceProcess ?? forkInferenceProcess,
      modelsDir: paths.modelsDir,
      ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}),
      loadSettings: () => store.getSettings().load,
      remoteEngine: (target) => remoteEngine(target),
    }),
  });

  const trainingRepository = new TrainingRepository(store.database);
  const training = new TrainingService({
    repository: trainingRepository,
    events,
    dataDir: paths.dataDir,
    prepWorkerPath: prepWorkerPathBeside(options.workerPath),
    spawn: options.spawnInferenceProcess ?? forkInferenceProcess,
    trainerPath: () => options.trainerPath ?? locateTrainer({ workerPath: options.workerPath }),
    sources: {
      evalRows: (runId) => evaluation.detail(runId).rows,
      evalResult: (runId, itemId) => evaluation.result(runId, itemId),
      message: (id) => store.getMessage(id),
      conversation: (id) => store.getConversation(id),
    },
    registerAdapter: (adapter) => void library.addAdapter(adapter),
    sample: checkpointSampler({ workerPath: options.workerPath, spawn: options.spawnInferenceProcess ?? forkInferenceProcess, threads: () => store.getSettings().load.threads }),
    ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}),
  });
  const grpo = new GrpoService({
    repository: new GrpoRepository(store.database),
    events,
    dataDir: paths.dataDir,
    trainerPath: () => options.trainerPath ?? locateTrainer({ workerPath: options.workerPath }),
    openRollouts: grpoRollouts({
      workerPath: options.workerPath,
      spawn: options.spawnInferenceProcess ?? forkInferenceProcess,
      modelsDir: paths.modelsDir,
      ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}),
      loadSettings: () => store.getSettings().load,
    }),
    registerAdapter: (adapter) => void library.addAdapter(adapter),
    measuredSftTokensPerSecond: (modelPath, contextLength) => trainingRepository.measuredTokensPerSecond(modelPath, contextLength),
    ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}),
  });

  if (options.modelPath) {
    // Validate before saving, so a bad --model never replaces a good selection.
    await models.inspect(options.modelPath, store.getSettings().load.contextSize);
    store.updateSettings({ modelPath: nodePath.resolve(options.modelPath) });
  }
  const selectModel = async (path: string): Promise<InferenceStatus> => {
    const settings = store.getSettings();
    await models.ensureLoaded(path, settings.load);
    store.updateSettings({ modelPath: nodePath.resolve(path) });
    return inference.status;
  };
  if (options.preloadModel !== false) {
    const selected = store.getSettings().modelPath;
    if (selected) void models.ensureLoaded(selected, store.getSettings().load).catch(() => undefined);
  }

  const handlers: ApiHandlers = {
    'app.info': async (): Promise<AppInfo> => ({
      version: options.version,
      host: options.host,
      dataDir: paths.dataDir,
      modelsDir: paths.modelsDir,
      platform: process.platform,
      arch: process.arch,
      inference: inference.status,
      secretsEncrypted: secrets.encrypted,
      secretsWarning: secretsWarning(secrets),
    }),
    'app.events': (_input, ctx) => events.iterate(ctx.signal),
    'settings.get': async () => store.getSettings(),
    'settings.update': async (patch) => {
      const before = store.getSettings();
      // Validate a new embedding model before saving it, like the chat model.
      if (patch.embeddingModelPath) await models.inspect(patch.embeddingModelPath, 512);
      const after = store.updateSettings(patch);
      // Vectors of different models are not comparable: a new embedding model starts the meaning index afresh.
      if (after.embeddingModelPath !== before.embeddingModelPath) documents.resetEmbeddings();
      if (after.modelPath && loadChanged(before, after) && inference.status.model) {
        // Threads, context size and GPU settings apply by reloading the model.
        void models.ensureLoaded(after.modelPath, after.load).catch(() => undefined);
      }
      return after;
    },
    'models.list': async () => {
      const settings = store.getSettings();
      return models.list(settings.load.contextSize, [settings.modelPath, ...library.known().map((k) => k.path)]);
    },
    'models.inspect': async ({ path }) => {
      const { modelBytes: _modelBytes, ...info } = await models.inspect(path, store.getSettings().load.contextSize);
      return info;
    },
    'models.select': async ({ path }) => selectModel(path),
    'models.catalog': async ({ contextSize }) => {
      const machine = machineFromOs();
      const ctx = contextSize ?? store.getSettings().load.contextSize;
      const local = new Map(library.known().map((k) => [nodePath.basename(k.path), k.path]));
      return loadCatalog().map((entry) => ({ ...entry, fit: estimateCatalogFit(entry, machine, ctx), localPath: local.get(entry.fileName) ?? null }));
    },
    'models.download': (input, ctx) =>
      progressChannel<DownloadProgress, Awaited<ReturnType<DownloadManager['start']>>>((onProgress) =>
        downloads.start(input.url, { ...input, signal: ctx.signal, onProgress }),
      ),
    'models.downloads': async () => downloads.list(),
    'models.pauseDownload': async ({ id }) => downloads.pause(id),
    'models.cancelDownload': async ({ id }) => {
      await downloads.cancel(id);
      return { cancelled: true };
    },
    'models.import': async ({ path }) => {
      const { modelBytes: _modelBytes, ...info } = await models.inspect(path, store.getSettings().load.contextSize);
      library.add(info.path, 'imported');
      return info;
    },
    'models.remove': async ({ path }) => {
      const result = await library.remove(path);
      if (store.getSettings().modelPath === result.path) store.updateSettings({ modelPath: null });
      return result;
    },
    'models.setMirror': async ({ mirror }) => ({ mirror: library.setMirror(mirror) }),
    'inference.status': async () => inference.status,
    'chat.list': async () => store.listConversations(),
    'chat.get': async ({ id }) => store.getConversation(id),
    'chat.create': async ({ title }) => {
      const summary = store.createConversation(title ?? '');
      events.emit({ type: 'conversations.changed' });
      return summary;
    },
    'chat.rename': async ({ id, title }) => {
      const summary = store.renameConversation(id, title);
      events.emit({ type: 'conversations.changed' });
      return summary;
    },
    'chat.delete': async ({ id }) => {
      for (const message of store.getConversation(id).messages) chatService.stop(message.id);
      store.deleteConversation(id);
      events.emit({ type: 'conversations.changed' });
      return { deleted: true };
    },
    'chat.send': (input, ctx) => chatService.send(input, ctx),
    'chat.stop': async ({ messageId }) => ({ stopped: chatService.stop(messageId) }),
    'docs.add': (input, ctx) =>
      progressStream((onProgress) =>
        documents.ingestMany(input.paths, { signal: ctx.signal, onProgress }).finally(() => events.emit({ type: 'documents.changed' })),
      ),
    'docs.list': async () => documents.list(),
    'docs.embed': (_input, ctx) =>
      progressStream((onProgress) => documents.embedMissing({ signal: ctx.signal, onProgress }).finally(() => events.emit({ type: 'documents.changed' }))),
    'docs.get': async ({ id }) => documents.get(id),
    'docs.page': async ({ id, page }) => documents.page(id, page),
    'docs.remove': async ({ id }) => {
      documents.remove(id);
      events.emit({ type: 'documents.changed' });
      events.emit({ type: 'conversations.changed' });
      return { removed: true };
    },
    'docs.search': ({ query, top, documentIds }) => documents.search(query, { top, ...(documentIds ? { documentIds } : {}) }),
    'chat.setDocuments': async ({ conversationId, documentIds }) => {
      for (const documentId of documentIds) documents.get(documentId);
      store.setConversationDocuments(conversationId, documentIds);
      events.emit({ type: 'conversations.changed' });
      return store.getConversation(conversationId);
    },
    'trace.check': async (input) => checkTrace(input),
    'trace.checkMessage': async ({ messageId }) => traces.checkMessage(messageId),
    'trace.compare': async ({ leftMessageId, rightMessageId }) => traces.compare(leftMessageId, rightMessageId),
    'trace.export': async ({ messageId, locale }) => traces.export(messageId, locale),
    'engine.test': async ({ baseUrl, model, apiKey }, ctx) => {
      const engine = await remoteEngine({ baseUrl, model: model ?? '' }, apiKey);
      const started = performance.now();
      const list = await engine.listModels(ctx.signal);
      return { baseUrl: engine.baseUrl, models: list, modelFound: model ? list.some((m) => m.id === model) : null, latencyMs: Math.round(performance.now() - started) };
    },
    'secrets.setEngineKey': async ({ apiKey, baseUrl }) => {
      const target = baseUrl ?? store.getSettings().engine.baseUrl;
      if (!target) throw new AppError('INVALID_INPUT', 'Set the remote engine address first: the key is only ever sent to that server.');
      return engineKeys.save(target, apiKey);
    },
    'secrets.clearEngineKey': async () => ({ cleared: await engineKeys.clear() }),
    'secrets.engineKeyStatus': async () => engineKeys.status(),
    'eval.sets': async () => evaluation.listSets(),
    'eval.importSet': ({ path, name }) => evaluation.importSet(path, name),
    'eval.addSample': () => evaluation.addSample(),
    'eval.removeSet': async ({ id }) => ({ removed: evaluation.removeSet(id) }),
    'eval.setItems': async ({ id, offset, limit }) => evaluation.setItems(id, offset, limit),
    'eval.start': (input) => evaluation.start(input),
    'eval.resume': async ({ runId }) => evaluation.resume(runId),
    'eval.pause': ({ runId }) => evaluation.pause(runId),
    'eval.runs': async () => evaluation.listRuns(),
    'eval.run': async ({ runId }) => evaluation.detail(runId),
    'eval.result': async ({ runId, itemId }) => evaluation.result(runId, itemId),
    'eval.export': async ({ runId, format }) => evaluation.export(runId, format),
    'eval.removeRun': async ({ runId }) => ({ removed: await evaluation.removeRun(runId) }),
    'train.prepare': (input, ctx) => training.prepare(input, ctx.signal),
    'train.estimate': (input, ctx) => training.estimate(input, ctx.signal),
    'train.start': (input, ctx) => training.start(input, ctx.signal),
    'train.pause': ({ jobId }) => training.pause(jobId),
    'train.resume': async ({ jobId }) => training.resume(jobId),
    'train.cancel': ({ jobId }) => training.cancel(jobId),
    'train.remove': async ({ jobId }) => ({ removed: await training.remove(jobId) }),
    'train.jobs': async () => training.list(),
    'train.job': async ({ jobId }) => training.detail(jobId),
    'train.adapters': async () => library.adapters(),
    'train.importAdapter': async ({ path, baseModelPath }) => {
      const base = await models.inspect(baseModelPath, store.getSettings().load.contextSize);
      const adapter = await inspectLoraAdapter(path, base.path);
      return library.addAdapter({ path: adapter.path, baseModelPath: base.path, jobId: null, name: adapter.name ?? nodePath.parse(adapter.fileName).name, createdAt: Date.now() });
    },
    'train.forgetAdapter': async ({ path }) => ({ forgotten: library.forgetAdapter(path) }),
    'train.export': ({ format, dataPath, outDir, model, force }) => exportTrainingJob(format, { path: dataPath }, outDir, { ...(model ? { model } : {}), force }),
    'grpo.estimate': (input) => grpo.estimate(input),
    'grpo.start': (input) => grpo.start(input),
    'grpo.pause': ({ jobId }) => grpo.pause(jobId),
    'grpo.resume': async ({ jobId }) => grpo.resume(jobId),
    'grpo.cancel': ({ jobId }) => grpo.cancel(jobId),
    'grpo.remove': async ({ jobId }) => ({ removed: await grpo.remove(jobId) }),
    'grpo.jobs': async () => grpo.list(),
    'grpo.job': async ({ jobId }) => grpo.detail(jobId),
  };

  let disposed = false;
  return {
    dispatcher: new ApiDispatcher(handlers),
    handlers,
    paths,
    store,
    inference,
    models,
    chat: chatService,
    documents,
    evaluation,
    training,
    grpo,
    events,
    async dispose() {
      if (disposed) return;
      disposed = true;
      chatService.stopAll();
      await evaluation.stopAll();
      await training.stopAll();
      await grpo.stopAll();
      await inference.dispose();
      store.close();
    },
  };
}

/** Any long work as a stream: its progress chunks while it runs, its result at the end. */
async function* progressChannel<P, T>(run: (onProgress: (progress: P) => void) => Promise<T>): AsyncGenerator<P, T, void> {
  const progress = new AsyncChannel<P>();
  const done = run((p) => progress.push(p)).finally(() => progress.close());
  for await (const p of progress) yield p;
  return await done;
}

/** Long library work as a stream: progress chunks while it runs, its result at the end. */
async function* progressStream<T>(run: (onProgress: (progress: IngestProgress) => void) => Promise<T>): AsyncGenerator<IngestProgress, T, void> {
  const progress = new AsyncChannel<IngestProgress>();
  const done = run((p) => progress.push(p)).finally(() => progress.close());
  for await (const p of progress) yield p;
  return await done;
}

function loadChanged(a: AppSettings, b: AppSettings): boolean {
  return JSON.stringify(a.load) !== JSON.stringify(b.load);
}


