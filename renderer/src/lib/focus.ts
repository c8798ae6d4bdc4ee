/** Lets shortcuts and buttons focus the composer without threading refs through the tree. */
let composer: HTMLTextAreaElement | null = null;

export function registerComposer(element: HTMLTextAreaElement | null) {
  composer = element;
}

export function focusComposer() {
  // After the view switch has rendered.
  requestAnimationFrame(() => composer?.focus());
}
