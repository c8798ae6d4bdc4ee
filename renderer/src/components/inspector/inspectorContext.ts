/**
 * What the pieces of one inspector panel share: which number is hovered/focused (a small store, so only the
 * steps whose highlight changes re-render) and how to bring a step into view.
 */
import { createContext, useContext } from 'react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { SourceTarget } from '../../lib/traceSegments';

export interface ActiveNumber {
  stepIndex: number;
  numberIndex: number;
  target: SourceTarget;
}

export interface HoverState {
  active: ActiveNumber | null;
  /** A step brought into view by a link ("uses the wrong result of step 2"), highlighted briefly. */
  flashStep: number | null;
  setActive(active: ActiveNumber | null): void;
  setFlash(stepIndex: number | null): void;
}

export function createHoverStore(): StoreApi<HoverState> {
  return createStore<HoverState>()((set) => ({
    active: null,
    flashStep: null,
    setActive: (active) => set({ active }),
    setFlash: (flashStep) => set({ flashStep }),
  }));
}

export interface InspectorContextValue {
  hover: StoreApi<HoverState>;
  /** Id of the element describing the active number's source (aria-describedby). */
  noteId: string;
  scrollToStep(stepIndex: number): void;
}

export const InspectorContext = createContext<InspectorContextValue | null>(null);

export function useInspectorContext(): InspectorContextValue {
  const value = useContext(InspectorContext);
  if (!value) throw new Error('InspectorContext is missing: render inside <InspectorPanel>.');
  return value;
}

export function useHover<T>(selector: (state: HoverState) => T): T {
  return useStore(useInspectorContext().hover, selector);
}
