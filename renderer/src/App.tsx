import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { appStore, conversationsStore, evaluationStore, libraryStore, modelsStore, startStores, trainingStore, useApp, useSettings } from './stores';
import { applyLanguage } from './i18n';
import { host, pathForFile } from './api';
import { isNewChatShortcut, isSettingsShortcut } from './lib/shortcuts';
import { startNewChat, openSettings } from './stores/commands';
import { Sidebar } from './components/layout/Sidebar';
import { TopBar } from './components/layout/TopBar';
import { Notices } from './components/common/Notices';
import { TokenPage } from './components/common/TokenPage';
import { ChatView } from './components/chat/ChatView';
import { ModelView } from './components/models/ModelView';
import { SettingsView } from './components/settings/SettingsView';
import { LibraryView } from './components/library/LibraryView';
import { PageView } from './components/library/PageView';
import { isModelFileName, isReportFileName } from './lib/reportFiles';

// Its own chunk (the chart library comes with it): loaded when the view first opens.
const EvaluationView = lazy(() => import('./components/evaluation/EvaluationView').then((m) => ({ default: m.EvaluationView })));
const TrainingView = lazy(() => import('./components/training/TrainingView').then((m) => ({ default: m.TrainingView })));

function useThemeAndLanguage() {
  const theme = useSettings((s) => s.settings?.theme ?? 'system');
  const language = useSettings((s) => s.settings?.language ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  useEffect(() => applyLanguage(language), [language]);
}

function useGlobalShortcuts() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isNewChatShortcut(event)) {
        event.preventDefault();
        void startNewChat();
      } else if (isSettingsShortcut(event)) {
        event.preventDefault();
        openSettings();
      } else if (event.key === 'Escape' && !event.defaultPrevented) {
        const { live, sending, stop } = conversationsStore.getState();
        if (live || sending) {
          event.preventDefault();
          stop();
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/** Report files dropped anywhere go to the library (uploaded in a browser, by path in Electron), which opens. */
function addDroppedReports(files: File[]) {
  appStore.getState().setView('library');
  void libraryStore.getState().addFiles(files);
}

/** Dropping a .gguf loads it (Electron; a browser explains instead); dropping reports adds them to the library. */
function useFileDrop() {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      const reports = files.filter((f) => isReportFileName(f.name));
      const file = files.find((f) => isModelFileName(f.name));
      const app = appStore.getState();
      // In the evaluation view a dropped set file (JSON/JSONL) is imported as a set.
      const evalSet = app.view === 'evaluation' ? files.find((f) => /\.jsonl?$/i.test(f.name)) : undefined;
      if (evalSet) {
        void evaluationStore.getState().importFile(evalSet);
        return;
      }
      // In the fine-tuning view a dropped JSONL file is the training set.
      const trainSet = app.view === 'training' ? files.find((f) => /\.jsonl?$/i.test(f.name)) : undefined;
      if (trainSet) {
        void trainingStore.getState().chooseFile(trainSet);
        return;
      }
      // In the library every dropped file is offered to it (it says which it cannot read); elsewhere a model wins.
      if (app.view === 'library' && files.length > 0 && !(file && reports.length === 0)) {
        addDroppedReports(files.filter((f) => !isModelFileName(f.name)));
        return;
      }
      if (!file) {
        if (reports.length > 0) addDroppedReports(reports);
        else if (files.length > 0) app.pushNotice({ kind: 'warning', messageKey: 'drop.notGguf', timeoutMs: 8000 });
        return;
      }
      if (pathForFile) {
        const path = pathForFile(file);
        void modelsStore
          .getState()
          .select(path)
          .then((ok) => {
            if (!ok) appStore.getState().setView('models');
          });
      } else {
        app.pushNotice({ kind: 'info', messageKey: 'drop.browser', params: { name: file.name, dir: app.info?.modelsDir ?? '' } });
        app.setView('models');
      }
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return dragging;
}

export function App() {
  const { t } = useTranslation();
  const view = useApp((s) => s.view);
  const unauthorized = useApp((s) => s.unauthorized);
  useEffect(() => startStores(), []);
  useThemeAndLanguage();
  useGlobalShortcuts();
  const dragging = useFileDrop();

  if (unauthorized && host === 'browser') return <TokenPage reason="expired" />;

  return (
    <div className="app-shell" data-host={host}>
      <Sidebar />
      <div className="main-column">
        <TopBar />
        <Notices />
        <main className="view" data-view={view}>
          {view === 'chat' && <ChatView />}
          {view === 'library' && <LibraryView />}
          {view === 'models' && <ModelView />}
          {view === 'evaluation' && (
            <Suspense fallback={<p className="page muted">{t('evaluation.loading')}</p>}>
              <EvaluationView />
            </Suspense>
          )}
          {view === 'training' && (
            <Suspense fallback={<p className="page muted">{t('training.loading')}</p>}>
              <TrainingView />
            </Suspense>
          )}
          {view === 'settings' && <SettingsView />}
        </main>
      </div>
      <PageView />
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div className="drop-overlay-box">{view === 'library' ? t('library.dropOverlay') : view === 'evaluation' ? t('evaluation.sets.dropOverlay') : view === 'training' ? t('training.data.dropOverlay') : t('drop.overlay')}</div>
        </div>
      )}
    </div>
  );
}
