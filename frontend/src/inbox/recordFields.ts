// Which fields of the record a task shows and lets edit, from the node's field permissions.
import type { FieldDef, FormDefinition } from '../api/types';
import { permissionsOf, type Task } from './api';

const NOT_SHOWN = new Set(['section']);

export interface TaskField {
  field: FieldDef;
  editable: boolean;
}

/** No `visible` list means every field is visible; no `editable` list means none is editable. */
export function taskFields(definition: FormDefinition | undefined, task: Task): TaskField[] {
  if (!definition) return [];
  const perms = permissionsOf(task);
  const visible = perms?.visible;
  const editable = new Set(perms?.editable ?? []);
  return definition.fields
    .filter((f) => !NOT_SHOWN.has(f.type) && !f.hidden)
    .filter((f) => !visible || visible.includes(f.key) || editable.has(f.key))
    .map((field) => ({ field, editable: task.status === 'open' && editable.has(field.key) }));
}

/** A stored value as text for a read-only view. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.name === 'string') return obj.name;
    if (typeof obj.label === 'string') return obj.label;
    if (typeof obj.id === 'string') return obj.id;
    return JSON.stringify(value);
  }
  return String(value);
}
