// The flow designer: palette, React Flow canvas, settings side panel, test, runs; save as a version.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  addEdge, Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow,
  type Connection, type Edge,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Alert, Button, Input, Result, Space, Spin, Switch, Tabs, Tag, Tooltip, Typography } from 'antd';
import { ApartmentOutlined, DeleteOutlined, SaveOutlined, SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import type { FormInfo } from '../api/types';
import { useForms } from '../apps/queries';
import { keyFromName } from '../common/keys';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { flowGraph, useCreateFlow, useFlow, useFlowStats, useSaveFlow, useToggleFlow } from './api';
import { defaultNode, defaultTrigger, newNodeId, outputBranches } from './catalog';
import { nodeTypes } from './CanvasNodes';
import { errorsByNode, fromCanvas, layeredPositions, normaliseStats, toCanvas, toCanvasEdge, TRIGGER_ID, type CanvasNode } from './graph';
import { FlowContext } from './panel/context';
import { FlowSettingsEditor } from './panel/FlowSettingsEditor';
import { NodeEditor } from './panel/NodeEditor';
import { hasText, langOf, variant, withLabelText } from './panel/texts';
import { TriggerEditor } from './panel/TriggerEditor';
import { DRAG_TYPE, Palette } from './Palette';
import { RunsPanel } from './RunsPanel';
import { describeOutput, TestPanel } from './TestPanel';
import { useUnsavedGuard } from './useUnsavedGuard';
import type { FlowGraph, FlowNode, NodeType, TestResult, Trigger } from './types';

/** Selecting this shows the flow's own settings instead of a step's. */
const FLOW_SETTINGS = '__flow';

export default function FlowDesignerPage() {
  const { appId, flowId } = useParams();
  const isNew = flowId === 'new';
  const flow = useFlow(isNew ? undefined : flowId);
  const forms = useForms(appId);
  const { t } = useTranslation('flows');

  if ((!isNew && flow.isPending) || forms.isPending) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (flow.error) return <Result status="warning" title={t('loadFailed')} extra={<Link to={`/apps/${appId}/flows`}>{t('backToList')}</Link>} />;
  const graph: FlowGraph = flow.data ? flowGraph(flow.data) : {
    key: '', name: '', trigger: defaultTrigger('record.created', undefined, forms.data?.[0]?.key), nodes: [], edges: [],
  };
  return (
    <ReactFlowProvider>
      <Designer key={`${flowId}:${flow.data?.version ?? 0}`} appId={appId!} flowId={isNew ? null : flowId!} initial={graph}
        version={flow.data?.version} enabled={!!flow.data?.enabled} forms={forms.data ?? []} hookToken={flow.data?.hook_token} />
    </ReactFlowProvider>
  );
}

function Designer({ appId, flowId, initial, version, enabled, forms, hookToken }: {
  appId: string; flowId: string | null; initial: FlowGraph; version?: number; enabled: boolean; forms: FormInfo[]; hookToken?: string | null;
}) {
  const { t, i18n } = useTranslation('flows');
  const notify = useNotify();
  const navigate = useNavigate();
  const start = useMemo(() => toCanvas(initial), [initial]);
  const [nodes, setNodes, onNodesChange] = useNodesState<CanvasNode>(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(start.edges);
  // The flow's own keys (name, description, settings, ui) as loaded, changed only by the user.
  const [envelope, setEnvelope] = useState<FlowGraph>(initial);
  const lang = langOf(i18n.language);
  const [selected, setSelected] = useState<string | null>(TRIGGER_ID);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [errorText, setErrorText] = useState<string | null>(null);
  const [test, setTest] = useState<TestResult | null>(null);
  const [panel, setPanel] = useState('settings');
  const [dirty, setDirty] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);
  const flowApi = useReactFlow();
  const create = useCreateFlow(appId);
  const save = useSaveFlow(flowId ?? '');
  const toggle = useToggleFlow();
  const stats = useFlowStats(flowId ?? undefined, enabled);
  const counters = useMemo(() => normaliseStats(stats.data), [stats.data]);
  const allowNavigation = useUnsavedGuard(dirty, t('leaveUnsaved'));

  useEffect(() => setDirty(true), [nodes.length, edges.length]);
  useEffect(() => setDirty(false), []);

  const trigger = nodes.find((n) => n.id === TRIGGER_ID)?.data.trigger ?? initial.trigger;
  const triggerForm = forms.find((f) => f.key === trigger.form);
  const fields = triggerForm?.definition.fields ?? [];
  const path = useMemo(() => new Set((test?.path ?? []).map((s) => s.node)), [test]);
  const notes = useMemo(() => Object.fromEntries((test?.path ?? []).map((s) => [s.node, s.error ?? (s.output != null ? describeOutput(s.output) : '')])), [test]);
  const nodeLabel = useCallback((id: string) => {
    const n = nodes.find((x) => x.id === id)?.data.node;
    return n ? `${labelText(n.name, i18n.language, '') || t(`node.${n.type}`)} (${id})` : id === TRIGGER_ID ? t('triggerTitle') : id;
  }, [nodes, t, i18n.language]);

  const shownNodes = useMemo(() => nodes.map((n) => {
    const own = n.data.node ? outputBranches(n.data.node) : ['default'];
    const extraBranches = [...new Set(edges.filter((e) => e.source === n.id).map((e) => e.sourceHandle ?? 'default'))].filter((b) => !own.includes(b));
    return {
      ...n,
      data: { ...n.data, errors: errors[n.id], stats: counters[n.id], highlighted: path.size > 0 && (path.has(n.id) || n.id === TRIGGER_ID), testNote: notes[n.id], extraBranches },
    };
  }), [nodes, edges, errors, counters, path, notes]);
  const shownEdges = useMemo(() => edges.map((e) => {
    const source = nodes.find((n) => n.id === e.source)?.data.node;
    const when = e.sourceHandle && e.sourceHandle !== 'default' ? e.sourceHandle : undefined;
    let label = when ? t(`branch.${when}`, { defaultValue: when }) : undefined;
    if (source?.type === 'ab_split' && when) {
      const b = ((source.branches as { key: string; weight: number; holdout?: boolean }[]) ?? []).find((x) => x.key === when);
      if (b) label = `${when.toUpperCase()} ${b.weight}%${b.holdout ? ` · ${t('holdout')}` : ''}`;
    }
    const onPath = path.has(e.target) && (path.has(e.source) || e.source === TRIGGER_ID);
    return { ...e, label, animated: onPath, style: onPath ? { stroke: '#52c41a', strokeWidth: 2 } : undefined };
  }), [edges, nodes, path, t]);

  const onConnect = useCallback((c: Connection) => {
    setEdges((eds) => addEdge({ ...toCanvasEdge({ from: c.source, to: c.target, when: c.sourceHandle && c.sourceHandle !== 'default' ? c.sourceHandle : undefined }) }, eds));
  }, [setEdges]);

  const addNode = useCallback((type: NodeType, position?: { x: number; y: number }) => {
    const id = newNodeId(type, nodes.map((n) => n.id));
    const below = position ?? (() => {
      const last = nodes[nodes.length - 1];
      return last ? { x: last.position.x, y: last.position.y + 150 } : { x: 0, y: 150 };
    })();
    setNodes((ns) => [...ns, { id, type: 'step', position: below, data: { node: defaultNode(type, id) } }]);
    setSelected(id);
    setPanel('settings');
  }, [nodes, setNodes]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData(DRAG_TYPE) as NodeType;
    if (!type) return;
    addNode(type, flowApi.screenToFlowPosition({ x: e.clientX - 110, y: e.clientY - 20 }));
  };

  const updateNode = (id: string, patch: { node?: FlowNode; trigger?: Trigger }) => {
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
    setDirty(true);
  };
  const removeSelected = () => {
    if (!selected || selected === TRIGGER_ID) return;
    setNodes((ns) => ns.filter((n) => n.id !== selected));
    setEdges((es) => es.filter((e) => e.source !== selected && e.target !== selected));
    setSelected(TRIGGER_ID);
  };
  const autoLayout = () => {
    const g = fromCanvas(envelope, nodes, edges);
    const pos = layeredPositions(g.nodes.map((n) => n.id), g.edges);
    setNodes((ns) => ns.map((n) => ({ ...n, position: pos[n.id] ?? n.position })));
    window.requestAnimationFrame(() => flowApi.fitView({ padding: 0.2 }));
  };

  const onSave = () => {
    const key = initial.key || keyFromName(labelText(envelope.name, i18n.language, ''), 'flow');
    const graph = { ...fromCanvas(envelope, nodes, edges), key, name: hasText(envelope.name) ? envelope.name : key };
    setErrors({});
    setErrorText(null);
    const done = {
      onSuccess: (saved: { id: string; version: number }) => {
        notify.success(t('savedVersion', { version: saved.version }));
        setDirty(false);
        if (!flowId) {
          allowNavigation();
          navigate(`/apps/${appId}/flows/${saved.id}`, { replace: true });
        }
      },
      onError: (err: unknown) => {
        if (err instanceof ApiError && err.status === 422) {
          setErrors(errorsByNode(err.fields, graph, err.details.errors));
          setErrorText(err.message);
        } else notify.error(err);
      },
    };
    if (flowId) save.mutate(graph, done); else create.mutate(graph, done);
  };

  const selectedNode = nodes.find((n) => n.id === selected);
  const editEnvelope = (g: FlowGraph) => { setEnvelope(g); setDirty(true); };
  const context = useMemo(() => ({
    appId,
    nodes: nodes.filter((n) => n.id !== TRIGGER_ID && n.data.node).map((n) => n.data.node!),
    edges: edges.map((e) => ({ from: e.source, to: e.target, when: e.sourceHandle && e.sourceHandle !== 'default' ? e.sourceHandle : undefined })),
  }), [appId, nodes, edges]);
  const settings = selected === FLOW_SETTINGS ? <FlowSettingsEditor graph={envelope} fields={fields} onChange={editEnvelope} />
    : !selectedNode ? <Typography.Text type="secondary">{t('selectNode')}</Typography.Text>
    : selectedNode.id === TRIGGER_ID ? (
      <>
        {trigger.type === 'webhook' && hookToken && (
          <Alert type="info" style={{ marginBottom: 8 }} title={t('webhookUrl')}
            description={<Typography.Text copyable className="fl-mono">{`${window.location.origin}/api/v1/hooks/${hookToken}`}</Typography.Text>} />
        )}
        <TriggerEditor trigger={trigger} forms={forms} onChange={(tr) => updateNode(TRIGGER_ID, { trigger: tr })} />
      </>
    ) : (
      <>
        <Space style={{ marginBottom: 8, width: '100%', justifyContent: 'space-between' }}>
          <Typography.Text strong>{nodeLabel(selectedNode.id)}</Typography.Text>
          <Button size="small" danger icon={<DeleteOutlined />} onClick={removeSelected} data-testid="delete-node">{t('remove')}</Button>
        </Space>
        {errors[selectedNode.id]?.map((m, i) => <Alert key={i} type="error" title={m} style={{ marginBottom: 6 }} />)}
        {/* Keyed by step: editors keep local state (per-language mode, JSON drafts) for one step only. */}
        <NodeEditor key={selectedNode.id} node={selectedNode.data.node!} fields={fields} forms={forms} onChange={(node) => updateNode(selectedNode.id, { node })} />
      </>
    );

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: 'calc(100vh - 56px)' }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', padding: '8px 12px', borderBottom: '1px solid #eee', flexWrap: 'wrap' }}>
        <Link to={`/apps/${appId}/flows`}>{t('backToList')}</Link>
        <Input style={{ width: 240 }} value={variant(envelope.name, lang)} placeholder={labelText(envelope.name, i18n.language, '') || t('flowName')} data-testid="flow-name"
          onChange={(e) => editEnvelope({ ...envelope, name: withLabelText(envelope.name, lang, e.target.value) })} />
        <Tooltip title={t('flowSettings')}>
          <Button icon={<SettingOutlined />} aria-label={t('flowSettings')} data-testid="open-flow-settings"
            onClick={() => { setSelected(FLOW_SETTINGS); setPanel('settings'); }} />
        </Tooltip>
        {version != null && <Tag data-testid="flow-version">v{version}</Tag>}
        {dirty && <Typography.Text type="secondary">{t('unsaved')}</Typography.Text>}
        <div style={{ flex: 1 }} />
        <Tooltip title={t('autoLayout')}><Button icon={<ApartmentOutlined />} onClick={autoLayout} data-testid="auto-layout">{t('autoLayout')}</Button></Tooltip>
        <Button type="primary" icon={<SaveOutlined />} loading={save.isPending || create.isPending} onClick={onSave} data-testid="save-flow">{t('saveVersion')}</Button>
        {flowId && (
          <Space>
            <Switch checked={enabled} loading={toggle.isPending} data-testid="flow-enabled"
              onChange={(v) => toggle.mutate({ id: flowId, enable: v }, { onError: notify.error, onSuccess: () => notify.success(t(v ? 'enabledMsg' : 'disabledMsg')) })} />
            <span>{t(enabled ? 'enabled' : 'disabled')}</span>
          </Space>
        )}
      </div>
      {errorText && <Alert type="error" showIcon closable title={errorText} data-testid="flow-errors" onClose={() => setErrorText(null)}
        description={Object.values(errors).flat().slice(0, 5).join(' · ')} />}
      <div style={{ display: 'flex', flex: 1, minHeight: 0 }}>
        <Palette onAdd={(type) => addNode(type)} />
        <div ref={wrapper} style={{ flex: 1, minWidth: 0 }} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop}
          data-testid="flow-canvas">
          <ReactFlow nodes={shownNodes} edges={shownEdges} nodeTypes={nodeTypes} fitView fitViewOptions={{ padding: 0.3, maxZoom: 1 }}
            onNodesChange={(c) => { onNodesChange(c); if (c.some((x) => x.type !== 'select' && x.type !== 'dimensions')) setDirty(true); }}
            onEdgesChange={(c) => { onEdgesChange(c); if (c.some((x) => x.type !== 'select')) setDirty(true); }}
            onConnect={(c) => { onConnect(c); setDirty(true); }}
            onNodeClick={(_, n) => { setSelected(n.id); setPanel('settings'); }}
            onPaneClick={() => setSelected(FLOW_SETTINGS)}
            deleteKeyCode={['Delete', 'Backspace']}>
            <Background />
            <Controls />
            <MiniMap pannable zoomable />
          </ReactFlow>
        </div>
        <div style={{ width: 380, borderLeft: '1px solid #eee', overflow: 'auto', padding: '0 12px' }} data-testid="flow-side-panel">
          <FlowContext.Provider value={context}>
          <Tabs activeKey={panel} onChange={setPanel} items={[
            { key: 'settings', label: t('settings'), children: settings },
            { key: 'test', label: t('test'), disabled: !flowId,
              children: flowId ? <TestPanel flowId={flowId} form={triggerForm} saved={!dirty} onResult={setTest} nodeLabel={nodeLabel} /> : null },
            { key: 'runs', label: t('runs'), disabled: !flowId,
              children: flowId ? <RunsPanel flowId={flowId} nodeLabel={nodeLabel} /> : null },
          ]} />
          </FlowContext.Provider>
        </div>
      </div>
    </div>
  );
}
