import { appStore } from '../../stores';

/** The id of Settings' "Report search" section, where the embedding model is chosen. */
export const reportSearchSectionId = 'settings-report-search';

/** Opens Settings at its "Report search" section (from the keyword-only note and the Library). */
export function openReportSearchSettings(): void {
  appStore.getState().setView('settings');
  // The settings page renders with the view change; its section exists by the next frame.
  requestAnimationFrame(() => {
    const section = document.getElementById(reportSearchSectionId);
    section?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    section?.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true });
  });
}
