// Per-form view state (columns, widths, sort, filter) kept in the browser, plus named saved views.
import { useCallback, useEffect, useState } from 'react';
import { EMPTY_FILTER, type FilterState } from './filterModel';

export interface SortSpec { key: string; desc: boolean }

export interface ViewState {
  order: string[];
  hidden: string[];
  widths: Record<string, number>;
  sort: SortSpec | null;
  filter: FilterState;
}

export interface SavedView { name: string; state: ViewState }

export const DEFAULT_VIEW: ViewState = { order: [], hidden: [], widths: {}, sort: null, filter: EMPTY_FILTER };

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? { ...fallback, ...JSON.parse(raw) } : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or unavailable: the view simply is not remembered
  }
}

export function useViewState(formId: string) {
  const key = `formloom.view.${formId}`;
  const [state, setState] = useState<ViewState>(() => read(key, DEFAULT_VIEW));
  useEffect(() => setState(read(key, DEFAULT_VIEW)), [key]);
  const update = useCallback((patch: Partial<ViewState>) => {
    setState((prev) => {
      const next = { ...prev, ...patch };
      write(key, next);
      return next;
    });
  }, [key]);
  return [state, update] as const;
}

export function useSavedViews(formId: string) {
  const key = `formloom.views.${formId}`;
  const [views, setViews] = useState<SavedView[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '[]') as SavedView[];
    } catch {
      return [];
    }
  });
  const save = (views: SavedView[]) => {
    setViews(views);
    write(key, views);
  };
  return {
    views,
    add: (name: string, state: ViewState) => save([...views.filter((v) => v.name !== name), { name, state }]),
    remove: (name: string) => save(views.filter((v) => v.name !== name)),
  };
}

/** Sort parameter of the records API: `-field` for descending. */
export function sortParam(sort: SortSpec | null): string | undefined {
  return sort ? `${sort.desc ? '-' : ''}${sort.key}` : undefined;
}

/** Column order with fields added since the view was saved appended at the end. */
export function effectiveOrder(order: string[], keys: string[]): string[] {
  const known = order.filter((k) => keys.includes(k));
  return [...known, ...keys.filter((k) => !known.includes(k))];
}
