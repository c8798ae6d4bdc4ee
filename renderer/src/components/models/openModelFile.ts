import { pickModelFile } from '../../api';
import { appStore, modelsStore } from '../../stores';

/** "Open a GGUF file": the native dialog in Electron; in a browser, the model library's path field. */
export async function openModelFile(): Promise<void> {
  if (!pickModelFile) {
    appStore.getState().setView('models');
    requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="model-path-input"]')?.focus());
    return;
  }
  const path = await pickModelFile();
  if (!path) return;
  const ok = await modelsStore.getState().select(path);
  if (!ok) appStore.getState().setView('models');
}
