/**
 * The stores, one per domain, created once for the page with the API client and wired to each other here
 * (selecting a model updates the status; `app.events` updates the status and the conversation list).
 */
import { useStore } from 'zustand';
import { api, connection, pathForFile, uploadFile } from '../api';
import { createAppStore, type AppState } from './app';
import { createConversationsStore, type ConversationsState } from './conversations';
import { createInspectorStore, type InspectorState } from './inspector';
import { createLibraryStore, type LibraryState } from './library';
import { downloadText } from '../lib/download';
import { createModelsStore, type ModelsState } from './models';
import { createDownloadsStore, type DownloadsState } from './downloads';
import { createSettingsStore, type SettingsState } from './settings';
import { createEvaluationStore, type EvaluationState } from './evaluation';
import { createTrainingStore, type TrainingState } from './training';
import { createGrpoStore, type GrpoState } from './grpo';
import { runAppEvents } from './events';

export const appStore = createAppStore({ api });
const reportError = (error: unknown) => void appStore.getState().reportError(error);

export const settingsStore = createSettingsStore({
  api,
  onError: reportError,
  onUpdated(before, after) {
    // Another embedding model clears the meaning index: the documents' "embedded" marks change with it.
    if (before?.embeddingModelPath === after.embeddingModelPath) return;
    void libraryStore.getState().refresh();
    void libraryStore.getState().searchAgain();
  },
});
export const inspectorStore = createInspectorStore({ api, onError: reportError, save: downloadText });
export const conversationsStore = createConversationsStore({
  api,
  onError: reportError,
  // The stream's final inspection is the saved answer's check: no second request when the inspector opens.
  onFinished(record, question, inspection) {
    if (inspection && record.reasoning) inspectorStore.getState().seedCheck(record, question, inspection);
  },
});
export const modelsStore = createModelsStore({
  api,
  onError: reportError,
  onSelected(status, path) {
    appStore.getState().setStatus(status);
    const settings = settingsStore.getState().settings;
    if (settings) settingsStore.getState().setSettings({ ...settings, modelPath: path });
  },
  storage: safeLocalStorage(),
});

/** A finished download is a local model now: the list and the catalog's "downloaded" marks change. */
export const downloadsStore = createDownloadsStore({
  api,
  onError: reportError,
  onCompleted() {
    void modelsStore.getState().refresh();
    void modelsStore.getState().loadCatalog();
  },
});

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export const libraryStore = createLibraryStore({
  api,
  onError: reportError,
  ...(uploadFile ? { upload: uploadFile } : {}),
  ...(pathForFile ? { pathForFile } : {}),
});

export const evaluationStore = createEvaluationStore({
  api,
  onError: reportError,
  save: downloadText,
  ...(uploadFile ? { upload: uploadFile } : {}),
  ...(pathForFile ? { pathForFile } : {}),
});

export const trainingStore = createTrainingStore({
  api,
  onError: reportError,
  ...(uploadFile ? { upload: uploadFile } : {}),
  ...(pathForFile ? { pathForFile } : {}),
});

export const grpoStore = createGrpoStore({
  api,
  onError: reportError,
  ...(uploadFile ? { upload: uploadFile } : {}),
  ...(pathForFile ? { pathForFile } : {}),
});

export const useApp = <T>(selector: (state: AppState) => T): T => useStore(appStore, selector);
export const useSettings = <T>(selector: (state: SettingsState) => T): T => useStore(settingsStore, selector);
export const useConversations = <T>(selector: (state: ConversationsState) => T): T => useStore(conversationsStore, selector);
export const useModels = <T>(selector: (state: ModelsState) => T): T => useStore(modelsStore, selector);
export const useInspector = <T>(selector: (state: InspectorState) => T): T => useStore(inspectorStore, selector);
export const useDownloads = <T>(selector: (state: DownloadsState) => T): T => useStore(downloadsStore, selector);
export const useLibrary = <T>(selector: (state: LibraryState) => T): T => useStore(libraryStore, selector);
export const useEvaluation = <T>(selector: (state: EvaluationState) => T): T => useStore(evaluationStore, selector);
export const useTraining = <T>(selector: (state: TrainingState) => T): T => useStore(trainingStore, selector);
export const useGrpo = <T>(selector: (state: GrpoState) => T): T => useStore(grpoStore, selector);

let started = false;

/** Loads the initial state and listens to server events; call once when the UI mounts. */
export function startStores(): () => void {
  if (started) return () => {};
  started = true;
  const controller = new AbortController();

  appStore.getState().setConnection(connection.state);
  const offConnection = connection.onChange((state) => appStore.getState().setConnection(state));

  void appStore.getState().loadInfo();
  void settingsStore.getState().load();
  void conversationsStore.getState().refreshList();
  void modelsStore.getState().refresh();
  void downloadsStore.getState().refresh();
  void libraryStore.getState().refresh();

  void runAppEvents(
    api,
    {
      onEvent(event) {
        switch (event.type) {
          case 'inference.status':
            appStore.getState().setStatus(event.status);
            break;
          case 'inference.restarted':
            appStore.getState().pushNotice({ kind: 'warning', messageKey: 'notices.restarted' });
            void conversationsStore.getState().reloadCurrent();
            break;
          case 'conversations.changed':
            void conversationsStore.getState().refreshList();
            void conversationsStore.getState().reloadCurrent();
            break;
          case 'documents.changed':
            // The library list is also what the attach list shows.
            void libraryStore.getState().refresh();
            break;
          case 'eval.progress':
            evaluationStore.getState().applyProgress(event);
            break;
          case 'eval.changed':
            void evaluationStore.getState().applyChanged();
            break;
          case 'train.progress':
            trainingStore.getState().applyProgress(event);
            break;
          case 'train.changed':
            void trainingStore.getState().applyChanged();
            break;
          case 'grpo.progress':
            grpoStore.getState().applyProgress(event);
            break;
          case 'grpo.changed':
            void grpoStore.getState().applyChanged();
            break;
        }
      },
      async resync() {
        await Promise.all([appStore.getState().loadInfo(), conversationsStore.getState().refreshList(), settingsStore.getState().load(), libraryStore.getState().refresh(), evaluationStore.getState().applyChanged(), trainingStore.getState().applyChanged(), grpoStore.getState().applyChanged()]);
      },
      shouldContinue: () => !appStore.getState().unauthorized,
    },
    {
      signal: controller.signal,
      onWake: (wake) => connection.onChange((state) => state === 'open' && wake()),
    },
  );

  return () => {
    started = false;
    controller.abort();
    offConnection();
  };
}
