// What a node editor knows beyond its own node: the app (for its roles and report previews) and
// the rest of the graph (earlier steps for completions, for_each sources, send-back targets).
import { createContext, useContext, useMemo } from 'react';
import type { FieldDef, FormInfo } from '../../api/types';
import type { FlowEdge, FlowNode } from '../types';
import { EACH_ROOTS, FLOW_ROOTS, scopeFields } from './scope';

export interface FlowEditorContext {
  appId?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export const FlowContext = createContext<FlowEditorContext>({ nodes: [], edges: [] });

export function useFlowContext(): FlowEditorContext {
  return useContext(FlowContext);
}

/** Props every node editor receives. */
export interface EditorProps {
  node: FlowNode;
  onChange: (node: FlowNode) => void;
  /** Fields of the trigger's form. */
  fields: FieldDef[];
  forms: FormInfo[];
}

export function formFields(forms: FormInfo[], key: unknown): FieldDef[] {
  return forms.find((f) => f.key === key)?.definition.fields ?? [];
}

/** The node without the given keys (switching a mode drops the other mode's settings only). */
export function without(node: FlowNode, ...keys: string[]): FlowNode {
  const out = { ...node };
  for (const k of keys) delete out[k];
  return out;
}

/** The node with `key` set, or removed when `value` is undefined. */
export function patched(node: FlowNode, key: string, value: unknown): FlowNode {
  return value === undefined ? without(node, key) : { ...node, [key]: value };
}

/**
 * Completion entries and allowed roots of a step's expressions. Without a trigger form (schedule,
 * webhook) names cannot be checked in the browser; the server checks them on save.
 */
export function useStepScope(nodeId: string | null, fields: FieldDef[], item?: string[]): { scope: FieldDef[]; roots: string[] | '*' } {
  const { nodes, edges } = useFlowContext();
  const scope = useMemo(() => scopeFields(fields, nodes, edges, nodeId, item), [fields, nodes, edges, nodeId, item]);
  const roots = !fields.length ? '*' : item ? EACH_ROOTS : FLOW_ROOTS;
  return { scope, roots };
}
