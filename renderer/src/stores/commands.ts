/** User commands that span stores (shared by buttons and keyboard shortcuts). */
import { appStore, conversationsStore } from '.';
import { focusComposer } from '../lib/focus';

export async function startNewChat() {
  appStore.getState().setView('chat');
  await conversationsStore.getState().newChat();
  focusComposer();
}

export function openSettings() {
  appStore.getState().setView('settings');
}
