// Designer state: the draft definition, the selected field, and undo/redo history.
import { useCallback, useReducer } from 'react';
import type { FieldDef, FieldType, FormDefinition, Label } from '../../api/types';
import { fieldTypeInfo } from '../../forms/fieldTypes';

/** Where a field lives: top level, or inside a subform. */
export interface FieldRef { key: string; parent?: string }

export type Action =
  | { type: 'add'; fieldType: FieldType; index: number; parent?: string; label: Label }
  | { type: 'move'; from: FieldRef; toIndex: number; toParent?: string }
  | { type: 'update'; ref: FieldRef; patch: Partial<FieldDef> }
  | { type: 'replaceField'; ref: FieldRef; field: FieldDef }
  | { type: 'remove'; ref: FieldRef }
  | { type: 'duplicate'; ref: FieldRef }
  | { type: 'form'; patch: Partial<FormDefinition> }
  | { type: 'reset'; definition: FormDefinition };

interface History { past: FormDefinition[]; present: FormDefinition; future: FormDefinition[]; selected: FieldRef | null; lastCoalesce: string | null; lastAt: number }

const LIMIT = 100;

function listOf(def: FormDefinition, parent?: string): FieldDef[] {
  if (!parent) return def.fields;
  return def.fields.find((f) => f.key === parent)?.fields ?? [];
}

function withList(def: FormDefinition, parent: string | undefined, list: FieldDef[]): FormDefinition {
  if (!parent) return { ...def, fields: list };
  return { ...def, fields: def.fields.map((f) => (f.key === parent ? { ...f, fields: list } : f)) };
}

export function allKeys(def: FormDefinition): string[] {
  return def.fields.flatMap((f) => [f.key, ...(f.fields ?? []).map((c) => c.key)]);
}

export function uniqueKey(def: FormDefinition, base: string): string {
  const taken = new Set(allKeys(def));
  let n = 1;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

export function findField(def: FormDefinition, ref: FieldRef | null): FieldDef | undefined {
  if (!ref) return undefined;
  return listOf(def, ref.parent).find((f) => f.key === ref.key);
}

function apply(def: FormDefinition, action: Action): { def: FormDefinition; select?: FieldRef | null } {
  switch (action.type) {
    case 'add': {
      const key = uniqueKey(def, action.fieldType);
      const info = fieldTypeInfo(action.fieldType);
      const field: FieldDef = { key, type: action.fieldType, label: action.label, ...(info.initial ? structuredClone(info.initial) : {}) };
      const list = [...listOf(def, action.parent)];
      list.splice(Math.max(0, Math.min(action.index, list.length)), 0, field);
      return { def: withList(def, action.parent, list), select: { key, parent: action.parent } };
    }
    case 'move': {
      const source = [...listOf(def, action.from.parent)];
      const idx = source.findIndex((f) => f.key === action.from.key);
      if (idx < 0) return { def };
      const [field] = source.splice(idx, 1);
      if ((action.from.parent ?? '') === (action.toParent ?? '')) {
        source.splice(Math.max(0, Math.min(action.toIndex, source.length)), 0, field);
        return { def: withList(def, action.from.parent, source), select: { key: field.key, parent: action.toParent } };
      }
      let next = withList(def, action.from.parent, source);
      const target = [...listOf(next, action.toParent)];
      target.splice(Math.max(0, Math.min(action.toIndex, target.length)), 0, field);
      next = withList(next, action.toParent, target);
      return { def: next, select: { key: field.key, parent: action.toParent } };
    }
    case 'update':
    case 'replaceField': {
      const list = listOf(def, action.ref.parent).map((f) => {
        if (f.key !== action.ref.key) return f;
        const next = action.type === 'update' ? { ...f, ...action.patch } : action.field;
        for (const [k, v] of Object.entries(next)) if (v === undefined) delete (next as Record<string, unknown>)[k];
        return next;
      });
      const renamed = action.type === 'update' && action.patch.key && action.patch.key !== action.ref.key;
      return { def: withList(def, action.ref.parent, list), select: renamed ? { key: action.patch.key!, parent: action.ref.parent } : undefined };
    }
    case 'remove':
      return { def: withList(def, action.ref.parent, listOf(def, action.ref.parent).filter((f) => f.key !== action.ref.key)), select: null };
    case 'duplicate': {
      const list = [...listOf(def, action.ref.parent)];
      const idx = list.findIndex((f) => f.key === action.ref.key);
      if (idx < 0) return { def };
      const copy: FieldDef = { ...structuredClone(list[idx]), key: uniqueKey(def, list[idx].type) };
      if (copy.fields) copy.fields = copy.fields.map((c) => ({ ...c }));
      list.splice(idx + 1, 0, copy);
      return { def: withList(def, action.ref.parent, list), select: { key: copy.key, parent: action.ref.parent } };
    }
    case 'form':
      return { def: { ...def, ...action.patch } };
    case 'reset':
      return { def: action.definition, select: null };
  }
}

type Msg = { kind: 'do'; action: Action; coalesce?: string } | { kind: 'undo' } | { kind: 'redo' } | { kind: 'select'; ref: FieldRef | null };

function reducer(h: History, msg: Msg): History {
  switch (msg.kind) {
    case 'select':
      return { ...h, selected: msg.ref, lastCoalesce: null };
    case 'undo': {
      if (!h.past.length) return h;
      const prev = h.past[h.past.length - 1];
      return { ...h, past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future], lastCoalesce: null,
        selected: h.selected && findField(prev, h.selected) ? h.selected : null };
    }
    case 'redo': {
      if (!h.future.length) return h;
      const next = h.future[0];
      return { ...h, past: [...h.past, h.present], present: next, future: h.future.slice(1), lastCoalesce: null,
        selected: h.selected && findField(next, h.selected) ? h.selected : null };
    }
    case 'do': {
      const { def, select } = apply(h.present, msg.action);
      if (def === h.present) return h;
      if (msg.action.type === 'reset') return { past: [], present: def, future: [], selected: null, lastCoalesce: null, lastAt: 0 };
      const now = Date.now();
      // typing into one option merges into one undo step
      const merge = !!msg.coalesce && msg.coalesce === h.lastCoalesce && now - h.lastAt < 1500;
      return {
        past: merge ? h.past : [...h.past, h.present].slice(-LIMIT),
        present: def,
        future: [],
        selected: select === undefined ? h.selected : select,
        lastCoalesce: msg.coalesce ?? null,
        lastAt: now,
      };
    }
  }
}

export function useDesigner(initial: FormDefinition) {
  const [h, send] = useReducer(reducer, { past: [], present: initial, future: [], selected: null, lastCoalesce: null, lastAt: 0 });
  return {
    definition: h.present,
    selected: h.selected,
    canUndo: h.past.length > 0,
    canRedo: h.future.length > 0,
    dispatch: useCallback((action: Action, coalesce?: string) => send({ kind: 'do', action, coalesce }), []),
    undo: useCallback(() => send({ kind: 'undo' }), []),
    redo: useCallback(() => send({ kind: 'redo' }), []),
    select: useCallback((ref: FieldRef | null) => send({ kind: 'select', ref }), []),
  };
}
