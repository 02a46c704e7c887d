// What an expression of a step may read (docs/flows.md): the trigger record's fields bare and
// under record./old., trigger., steps.<id>. of the steps before it, vars., and item. inside an
// update_record for_each. Pure helpers behind the completion lists and the for_each choices.
import type { FieldDef, FormInfo, Label } from '../../api/types';
import type { FlowEdge, FlowNode } from '../types';

/** Names a step's expression may start with besides the trigger form's fields. */
export const FLOW_ROOTS = ['record', 'old', 'trigger', 'steps', 'vars'];
export const EACH_ROOTS = [...FLOW_ROOTS, 'item'];

/** What a step's output holds (`steps.<id>.<key>`), as the node types write it. */
const OUTPUTS: Partial<Record<FlowNode['type'], string[]>> = {
  condition: ['result'],
  switch: ['value'],
  ab_split: ['branch', 'holdout'],
  create_record: ['record_id', 'data'],
  update_record: ['updated', 'record_ids'],
  delete_record: ['deleted'],
  query_records: ['count', 'items', 'first'],
  query_report: ['value', 'count', 'rows', 'columns'],
  create_task: ['task_ids', 'assignees'],
  approval: ['outcome', 'comment', 'by'],
  http_request: ['status', 'body', 'json'],
  wait_until: ['event', 'reached', 'timed_out'],
};

/** Ids of the steps a run can pass before reaching `nodeId` (walking the edges backwards). */
export function upstream(nodeId: string, edges: FlowEdge[]): string[] {
  const seen = new Set<string>();
  const todo = [nodeId];
  while (todo.length) {
    const current = todo.pop()!;
    for (const e of edges) {
      if (e.to === current && e.from !== 'trigger' && !seen.has(e.from)) {
        seen.add(e.from);
        todo.push(e.from);
      }
    }
  }
  seen.delete(nodeId);
  return [...seen];
}

/** Earlier steps, or every other step while the node is not connected yet. */
export function earlierSteps(nodeId: string, nodes: FlowNode[], edges: FlowEdge[]): FlowNode[] {
  const ids = new Set(upstream(nodeId, edges));
  const connected = edges.some((e) => e.to === nodeId);
  return nodes.filter((n) => n.id !== nodeId && (connected ? ids.has(n.id) : true));
}

function pseudo(key: string, label?: Label, type: FieldDef['type'] = 'text'): FieldDef {
  return { key, type, label: label ?? key };
}

/**
 * Completion entries of a step's expressions: the trigger form's fields bare and as record.<key>,
 * the outputs of earlier steps, variables set before, and item.<column> inside a for_each.
 * Entries with a dotted key only feed the completion list; the editor's name check is by root.
 */
export function scopeFields(fields: FieldDef[], nodes: FlowNode[], edges: FlowEdge[], nodeId: string | null, item: string[] = []): FieldDef[] {
  const out: FieldDef[] = [...fields];
  for (const f of fields) if (f.type !== 'section') out.push({ ...f, key: `record.${f.key}` });
  out.push(pseudo('trigger.at', undefined, 'datetime'));
  const steps = nodeId ? earlierSteps(nodeId, nodes, edges) : nodes;
  for (const step of steps) {
    // The completion list shows the step's name (or its type) beside each of its outputs.
    const label = step.name ?? step.type;
    for (const key of OUTPUTS[step.type] ?? []) out.push(pseudo(`steps.${step.id}.${key}`, label));
    if (step.type === 'set_variable') {
      for (const name of Object.keys((step.set as Record<string, string>) ?? {})) out.push(pseudo(`vars.${name}`, label));
    }
  }
  for (const column of item) out.push(pseudo(`item.${column}`, 'item'));
  return out;
}

export interface ForEachSource { value: string; node: FlowNode }

/** What an update_record may walk: the items of a query_records or the rows of a query_report before it. */
export function forEachSources(nodeId: string, nodes: FlowNode[], edges: FlowEdge[]): ForEachSource[] {
  return earlierSteps(nodeId, nodes, edges).flatMap((n) => {
    if (n.type === 'query_records') return [{ value: `steps.${n.id}.items`, node: n }];
    if (n.type === 'query_report') return [{ value: `steps.${n.id}.rows`, node: n }];
    return [];
  });
}

export function parseForEach(value: unknown): { step: string; key: 'rows' | 'items' } | null {
  const m = /^steps\.([A-Za-z0-9_-]+)\.(rows|items)$/.exec(typeof value === 'string' ? value : '');
  return m ? { step: m[1], key: m[2] as 'rows' | 'items' } : null;
}

interface SpecLike {
  kind?: string; source?: string; per_customer?: boolean;
  dimensions?: { field: string; as?: string }[]; measures?: { agg: string; field?: string; as?: string }[];
}

/** Column keys of a report's rows as the report engine names them (table and per-customer RFM). */
export function reportColumns(spec: SpecLike | undefined): string[] {
  if (!spec) return [];
  const kind = spec.kind ?? 'table';
  const dims = spec.dimensions ?? [];
  if (kind === 'table') {
    return [...dims.map((d) => d.as || d.field),
      ...(spec.measures ?? []).map((m) => m.as || (m.field ? `${m.agg}_${m.field}` : m.agg))];
  }
  if (kind === 'rfm') {
    const head = dims.length ? ['dimension'] : [];
    return spec.per_customer
      ? [...head, 'customer', 'recency', 'frequency', 'monetary', 'r', 'f', 'm', 'segment']
      : [...head, 'segment', 'customers', 'revenue', 'avg_recency', 'avg_frequency', 'avg_monetary'];
  }
  return [];
}

function formFields(forms: FormInfo[], key: string | undefined): FieldDef[] {
  return forms.find((f) => f.key === key)?.definition.fields ?? [];
}

/** The columns a for_each row offers as item.<column>. */
export function itemColumns(source: FlowNode | undefined, forms: FormInfo[]): string[] {
  if (!source) return [];
  if (source.type === 'query_records') {
    return ['id', ...formFields(forms, source.form as string).filter((f) => f.type !== 'section').map((f) => f.key)];
  }
  return reportColumns(source.spec as SpecLike | undefined);
}

/**
 * The form of the records a for_each updates: the queried form, or for report rows the form a
 * relation column named by `record_id` (item.<column>) points to; `ui.form` when the user chose it.
 */
export function forEachForm(node: FlowNode, source: FlowNode | undefined, forms: FormInfo[]): string | undefined {
  const chosen = (node.ui as { form?: string } | undefined)?.form;
  if (chosen) return chosen;
  if (!source) return undefined;
  if (source.type === 'query_records') return source.form as string;
  const spec = source.spec as SpecLike | undefined;
  const column = /^item\.([a-z][a-z0-9_]*)$/.exec(String(node.record_id ?? 'item.id'))?.[1];
  const field = formFields(forms, spec?.source).find((f) => f.key === column);
  return field?.type === 'relation' ? field.target : undefined;
}
