import { describe, expect, it } from 'vitest';
import { defaultNode, newNodeId, outputBranches } from './catalog';
import { errorsByNode, fromCanvas, layeredPositions, normaliseStats, toCanvas, TRIGGER_ID } from './graph';
import type { FlowGraph } from './types';

const graph: FlowGraph = {
  key: 'welcome', name: 'Welcome',
  trigger: { type: 'record.created', form: 'customer' },
  nodes: [
    { id: 'check', type: 'condition', expression: 'record.vip' },
    { id: 'msg', type: 'send_message', channel: 'inapp', to: { field: 'owner' }, body: 'Hi {{record.name}}' },
    { id: 'stop', type: 'end' },
  ],
  edges: [{ from: 'trigger', to: 'check' }, { from: 'check', to: 'msg', when: 'true' }, { from: 'check', to: 'stop', when: 'false' }],
};

describe('canvas conversion', () => {
  it('round-trips a graph unchanged while nothing was moved', () => {
    const { nodes, edges } = toCanvas(graph);
    expect(nodes.map((n) => n.id)).toEqual([TRIGGER_ID, 'check', 'msg', 'stop']);
    expect(edges.find((e) => e.target === 'msg')?.sourceHandle).toBe('true');
    expect(fromCanvas(graph, nodes, edges)).toEqual(graph);
  });

  it('stores positions under ui once a node was moved, and keeps them from then on', () => {
    const { nodes, edges } = toCanvas(graph);
    const moved = nodes.map((n) => (n.id === 'msg' ? { ...n, position: { x: 500.4, y: 20 } } : n));
    const back = fromCanvas(graph, moved, edges);
    expect(Object.keys(back.ui!.positions!)).toHaveLength(4);
    expect(back.ui!.positions!.msg).toEqual({ x: 500, y: 20 });
    const again = toCanvas(back);
    expect(fromCanvas(back, again.nodes, again.edges)).toEqual(back);
  });

  it('keeps the ui of edges', () => {
    const withUi: FlowGraph = { ...graph, edges: [{ from: 'trigger', to: 'check', ui: { note: 'x' } }, ...graph.edges.slice(1)] };
    const { nodes, edges } = toCanvas(withUi);
    expect(fromCanvas(withUi, nodes, edges).edges).toEqual(withUi.edges);
  });

  it('lays out by depth from the trigger, siblings side by side', () => {
    const pos = layeredPositions(['check', 'msg', 'stop'], graph.edges);
    expect(pos.trigger.y).toBeLessThan(pos.check.y);
    expect(pos.msg.y).toBe(pos.stop.y);
    expect(pos.msg.x).not.toBe(pos.stop.x);
  });

  it('survives cycles and unconnected nodes', () => {
    const pos = layeredPositions(['a', 'b', 'lonely'], [{ from: 'trigger', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'a' }]);
    expect(Object.keys(pos).sort()).toEqual(['a', 'b', 'lonely', 'trigger']);
    expect(Number.isFinite(pos.lonely.y)).toBe(true);
  });
});

describe('server errors on nodes', () => {
  it('maps pointers, dotted paths and node ids', () => {
    const out = errorsByNode({
      '/nodes/1/body': ['unknown field nam'],
      'nodes.check.expression': ['syntax error'],
      '/trigger/condition': ['bad'],
      '/edges/2': ['bad branch'],
      'msg': ['unreachable'],
    }, graph);
    expect(out.msg).toEqual(['body: unknown field nam', 'unreachable']);
    expect(out.check).toEqual(['expression: syntax error', 'bad branch']);
    expect(out.trigger).toEqual(['condition: bad']);
  });
  it('prefers the located list of the flow engine', () => {
    const out = errorsByNode({ '/nodes/1/body': ['x'] }, graph, [
      { node: 'msg', field: 'body', pointer: '/nodes/1/body', message: 'unknown field nam' },
      { node: null, field: 'key', pointer: '/key', message: 'bad key' },
    ]);
    expect(out).toEqual({ msg: ['body: unknown field nam'], trigger: ['key: bad key'] });
  });
});

describe('catalogue', () => {
  it('names branches per node type', () => {
    expect(outputBranches(defaultNode('condition', 'c'))).toEqual(['true', 'false']);
    expect(outputBranches(defaultNode('switch', 's'))).toEqual(['A', 'B', 'default']);
    expect(outputBranches(defaultNode('ab_split', 'x'))).toEqual(['a', 'b']);
    expect(outputBranches(defaultNode('wait_until', 'w'))).toEqual(['reached']);
    expect(outputBranches({ id: 'w', type: 'wait_until', event: { form: 'order' }, timeout: '7d' })).toEqual(['event', 'timeout']);
    expect(outputBranches({ id: 'w', type: 'wait_until', event: { form: 'order' } })).toEqual(['event']);
    expect(outputBranches(defaultNode('end', 'e'))).toEqual([]);
    expect(newNodeId('wait', ['wait_1', 'wait_2'])).toBe('wait_3');
  });
  it('normalises stats in list or map form', () => {
    expect(normaliseStats({ items: [{ node_id: 'a', entered: 2 }] }).a).toEqual({ entered: 2, completed: 0, failed: 0, waiting: 0 });
    expect(normaliseStats({ nodes: { b: { entered: 1, failed: 1 } } }).b.failed).toBe(1);
    expect(normaliseStats({ c: { waiting: 3 } }).c.waiting).toBe(3);
  });
});
