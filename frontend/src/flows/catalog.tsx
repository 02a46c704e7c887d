// Every trigger and node type the designer offers: icon, default settings and output branches.
import type { ReactNode } from 'react';
import {
  ApiOutlined, AuditOutlined, BarChartOutlined, BranchesOutlined, CalendarOutlined, CheckSquareOutlined,
  ClockCircleOutlined, CodeOutlined, DeleteOutlined, EditOutlined, ExperimentOutlined, FieldTimeOutlined,
  FileAddOutlined, ForkOutlined, LinkOutlined, MessageOutlined, PlayCircleOutlined, PlusSquareOutlined,
  ScheduleOutlined, SearchOutlined, StopOutlined, TeamOutlined, ThunderboltOutlined, UserDeleteOutlined,
} from '@ant-design/icons';
import type { FlowNode, NodeType, Trigger, TriggerType } from './types';

export const TRIGGER_TYPES: TriggerType[] = [
  'record.created', 'record.updated', 'record.deleted', 'date', 'schedule', 'segment.entered', 'webhook', 'manual',
];

export const NODE_GROUPS: { group: string; types: NodeType[] }[] = [
  { group: 'logic', types: ['condition', 'switch', 'ab_split', 'wait', 'wait_until', 'set_variable', 'end'] },
  { group: 'data', types: ['create_record', 'update_record', 'delete_record', 'query_records', 'query_report'] },
  { group: 'people', types: ['create_task', 'approval', 'send_message', 'http_request'] },
];

export const NODE_TYPES: NodeType[] = NODE_GROUPS.flatMap((g) => g.types);

export const TRIGGER_ICONS: Record<TriggerType, ReactNode> = {
  'record.created': <FileAddOutlined />, 'record.updated': <EditOutlined />, 'record.deleted': <UserDeleteOutlined />,
  date: <CalendarOutlined />, schedule: <ScheduleOutlined />, 'segment.entered': <TeamOutlined />,
  webhook: <LinkOutlined />, manual: <PlayCircleOutlined />,
};

export const NODE_ICONS: Record<NodeType, ReactNode> = {
  condition: <BranchesOutlined />, switch: <ForkOutlined />, ab_split: <ExperimentOutlined />,
  wait: <ClockCircleOutlined />, wait_until: <FieldTimeOutlined />, create_record: <PlusSquareOutlined />,
  update_record: <EditOutlined />, delete_record: <DeleteOutlined />, query_records: <SearchOutlined />,
  query_report: <BarChartOutlined />, create_task: <CheckSquareOutlined />, approval: <AuditOutlined />,
  send_message: <MessageOutlined />, http_request: <ApiOutlined />, set_variable: <CodeOutlined />, end: <StopOutlined />,
};

export const TRIGGER_ICON_FALLBACK = <ThunderboltOutlined />;

const RECORD_TRIGGERS = new Set<TriggerType>(['record.created', 'record.updated', 'record.deleted', 'date', 'segment.entered', 'manual']);

export function triggerUsesForm(type: TriggerType): boolean {
  return RECORD_TRIGGERS.has(type);
}

/** A new trigger of a type, keeping the form and condition of the one it replaces. */
export function defaultTrigger(type: TriggerType, previous?: Trigger, firstForm?: string): Trigger {
  const form = previous?.form ?? firstForm;
  const base: Trigger = { type };
  if (triggerUsesForm(type) && form) base.form = form;
  if (previous?.condition) base.condition = previous.condition;
  switch (type) {
    case 'date': return { ...base, field: '', offset: '0d', at: '09:00' };
    case 'schedule': return { ...base, cron: '0 9 * * 1' };
    case 'segment.entered': return { ...base, segment: '' };
    default: return base;
  }
}

export function defaultNode(type: NodeType, id: string): FlowNode {
  const settings: Record<NodeType, Record<string, unknown>> = {
    condition: { expression: '' },
    switch: { expression: '', ui: { cases: ['A', 'B'] } },
    ab_split: { branches: [{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }] },
    wait: { duration: '1d' },
    wait_until: { until: '' },
    create_record: { form: '', set: {} },
    update_record: { target: 'record', set: {} },
    delete_record: { target: 'record' },
    query_records: { form: '', filter: '', limit: 100 },
    query_report: { spec: { source: '', measures: [{ agg: 'count', as: 'value' }] } },
    create_task: { title: '', assignee: { field: '' }, due: '2d' },
    approval: { title: '', assignees: [{ role: 'admin' }], mode: 'any' },
    send_message: { channel: 'inapp', to: { user: '' }, body: '' },
    http_request: { method: 'POST', url: '', headers: {}, body: '' },
    set_variable: { set: { value: '' } },
    end: {},
  };
  return { id, type, ...settings[type] };
}

/** Output handles of a node: an edge from a handle carries it as `when`, except `default`. */
export function outputBranches(node: FlowNode): string[] {
  switch (node.type) {
    case 'condition': return ['true', 'false'];
    case 'switch': return [...switchCases(node), 'default'];
    case 'ab_split': return ((node.branches as { key: string }[] | undefined) ?? []).map((b) => b.key);
    // A timeout only ends a wait for an event; a date is always reached.
    case 'wait_until': return node.event ? (node.timeout ? ['event', 'timeout'] : ['event']) : ['reached'];
    case 'approval': return ['approve', 'reject'];
    case 'end': return [];
    default: return ['default'];
  }
}

/** Switch values live under the node's free-form `ui`: the engine reads only edge labels. */
export function switchCases(node: FlowNode): string[] {
  const ui = node.ui as { cases?: unknown[] } | undefined;
  return (ui?.cases ?? []).map(String);
}

/** Fresh node id: the type plus the lowest free number (ids are keys, ^[a-z][a-z0-9_]*$). */
export function newNodeId(type: NodeType, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 1;
  while (used.has(`${type}_${n}`)) n += 1;
  return `${type}_${n}`;
}
