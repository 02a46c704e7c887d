// Converts between the stored flow graph and React Flow's nodes and edges; lays the graph out.
import type { Edge, Node } from '@xyflow/react';
import type { FlowEdge, FlowGraph, FlowNode, NodeStats, Position, Trigger } from './types';

export const TRIGGER_ID = 'trigger';
const COLUMN = 280;
const ROW = 150;

export interface CanvasNodeData extends Record<string, unknown> {
  trigger?: Trigger;
  node?: FlowNode;
  errors?: string[];
  stats?: NodeStats;
  highlighted?: boolean;
  testNote?: string;
  /** Branch labels used by edges that the node's settings do not list (flows built elsewhere). */
  extraBranches?: string[];
}

export type CanvasNode = Node<CanvasNodeData>;

export function edgeId(e: FlowEdge): string {
  return `${e.from}->${e.to}:${e.when ?? 'default'}`;
}

export function toCanvas(graph: FlowGraph): { nodes: CanvasNode[]; edges: Edge[] } {
  const stored = graph.ui?.positions ?? {};
  const auto = layeredPositions(graph.nodes.map((n) => n.id), graph.edges);
  const at = (id: string): Position => stored[id] ?? auto[id] ?? { x: 0, y: 0 };
  const nodes: CanvasNode[] = [
    { id: TRIGGER_ID, type: 'trigger', position: at(TRIGGER_ID), data: { trigger: graph.trigger }, deletable: false },
    ...graph.nodes.map((node) => ({ id: node.id, type: 'step', position: at(node.id), data: { node } })),
  ];
  return { nodes, edges: graph.edges.map(toCanvasEdge) };
}

export function toCanvasEdge(e: FlowEdge): Edge {
  return {
    id: edgeId(e), source: e.from, target: e.to,
    sourceHandle: e.when ?? 'default', label: e.when, data: e.ui === undefined ? { when: e.when } : { when: e.when, ui: e.ui },
  };
}

function toFlowEdge(e: Edge): FlowEdge {
  const when = e.sourceHandle && e.sourceHandle !== 'default' ? e.sourceHandle : undefined;
  const out: FlowEdge = when ? { from: e.source, to: e.target, when } : { from: e.source, to: e.target };
  const ui = (e.data as { ui?: unknown } | undefined)?.ui;
  if (ui !== undefined) out.ui = ui;
  return out;
}

/**
 * The graph to save: settings from node data, edges from connections, positions under `ui`.
 * Positions are stored once a flow has them or when the canvas differs from the automatic
 * layout; a flow nobody rearranged (a template, an API-made flow) is saved back unchanged.
 */
export function fromCanvas(base: FlowGraph, nodes: CanvasNode[], edges: Edge[]): FlowGraph {
  const trigger = nodes.find((n) => n.id === TRIGGER_ID)?.data.trigger ?? base.trigger;
  const steps = nodes.filter((n) => n.id !== TRIGGER_ID && n.data.node).map((n) => ({ ...n.data.node!, id: n.id }));
  const flowEdges = edges.map(toFlowEdge);
  const positions: Record<string, Position> = {};
  for (const n of nodes) positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  const auto = layeredPositions(steps.map((n) => n.id), flowEdges);
  const moved = Object.entries(positions).some(([id, p]) => !auto[id] || Math.round(auto[id].x) !== p.x || Math.round(auto[id].y) !== p.y);
  const out: FlowGraph = { ...base, trigger, nodes: steps, edges: flowEdges };
  if (base.ui?.positions || moved) out.ui = { ...(base.ui ?? {}), positions };
  return out;
}

/** Top-down layers by longest distance from the trigger; siblings side by side, centred. */
export function layeredPositions(nodeIds: string[], edges: FlowEdge[]): Record<string, Position> {
  const depth: Record<string, number> = { [TRIGGER_ID]: 0 };
  const ids = [TRIGGER_ID, ...nodeIds];
  // Longest-path layering; the bound stops cycles (a flow may loop back through a wait).
  for (let pass = 0; pass < ids.length; pass += 1) {
    let changed = false;
    for (const e of edges) {
      if (depth[e.from] === undefined) continue;
      const next = depth[e.from] + 1;
      if ((depth[e.to] ?? -1) < next && next <= ids.length) {
        depth[e.to] = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const maxDepth = Math.max(0, ...Object.values(depth));
  for (const id of ids) if (depth[id] === undefined) depth[id] = maxDepth + 1;
  const layers = new Map<number, string[]>();
  for (const id of ids) layers.set(depth[id], [...(layers.get(depth[id]) ?? []), id]);
  const out: Record<string, Position> = {};
  for (const [level, members] of layers) {
    members.forEach((id, i) => {
      out[id] = { x: (i - (members.length - 1) / 2) * COLUMN, y: level * ROW };
    });
  }
  return out;
}

/**
 * Server validation messages per node id. Paths may be JSON pointers into the graph
 * (`/nodes/2/expression`, `/trigger/condition`), dotted (`nodes.2.title`) or name the node id.
 */
export function errorsByNode(fields: Record<string, string[]>, graph: FlowGraph, located?: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // The flow engine also lists each problem with its node and field: the most precise source.
  if (Array.isArray(located) && located.length) {
    for (const e of located as { node?: string | null; field?: string | null; message: string }[]) {
      const id = e.node && (e.node === TRIGGER_ID || graph.nodes.some((n) => n.id === e.node)) ? e.node : TRIGGER_ID;
      out[id] = [...(out[id] ?? []), e.field ? `${e.field}: ${e.message}` : e.message];
    }
    return out;
  }
  const ids = new Set(graph.nodes.map((n) => n.id));
  const add = (id: string, path: string, messages: string[]) => {
    const field = path.split(/[./[\]]/).filter(Boolean).slice(-1)[0];
    out[id] = [...(out[id] ?? []), ...messages.map((m) => (field && field !== id && !/^\d+$/.test(field) ? `${field}: ${m}` : m))];
  };
  for (const [path, messages] of Object.entries(fields)) {
    const parts = path.split(/[./[\]]/).filter(Boolean);
    if (parts[0] === 'trigger') { add(TRIGGER_ID, path, messages); continue; }
    if (parts[0] === 'nodes' && parts[1] !== undefined) {
      const node = /^\d+$/.test(parts[1]) ? graph.nodes[Number(parts[1])]?.id : parts[1];
      if (node) { add(node, path, messages); continue; }
    }
    if (parts[0] === 'edges' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
      const edge = graph.edges[Number(parts[1])];
      if (edge) { add(edge.from, path, messages); continue; }
    }
    const named = parts.find((p) => ids.has(p));
    add(named ?? TRIGGER_ID, path, messages);
  }
  return out;
}

export function normaliseStats(raw: unknown): Record<string, NodeStats> {
  const out: Record<string, NodeStats> = {};
  const one = (v: Record<string, unknown>): NodeStats => ({
    entered: Number(v.entered ?? 0), completed: Number(v.completed ?? 0),
    failed: Number(v.failed ?? 0), waiting: Number(v.waiting ?? 0),
  });
  if (!raw || typeof raw !== 'object') return out;
  const obj = raw as Record<string, unknown>;
  const list = Array.isArray(raw) ? raw : Array.isArray(obj.items) ? obj.items : Array.isArray(obj.nodes) ? obj.nodes : null;
  if (list) {
    for (const item of list as Record<string, unknown>[]) out[String(item.node_id ?? item.id)] = one(item);
    return out;
  }
  const map = (obj.nodes && typeof obj.nodes === 'object' ? obj.nodes : obj) as Record<string, unknown>;
  for (const [id, v] of Object.entries(map)) if (v && typeof v === 'object') out[id] = one(v as Record<string, unknown>);
  return out;
}
