// The flow graph of FORMATS.md section 3 as the designer edits it, and what the run API returns.
import type { Label } from '../api/types';

export type TriggerType =
  | 'record.created' | 'record.updated' | 'record.deleted' | 'date' | 'schedule'
  | 'segment.entered' | 'webhook' | 'manual';

export type NodeType =
  | 'condition' | 'switch' | 'ab_split' | 'wait' | 'wait_until' | 'create_record' | 'update_record'
  | 'delete_record' | 'query_records' | 'query_report' | 'create_task' | 'approval' | 'send_message'
  | 'http_request' | 'set_variable' | 'end';

export interface Trigger {
  type: TriggerType;
  form?: string;
  condition?: string;
  [option: string]: unknown;
}

export interface FlowNode {
  id: string;
  type: NodeType;
  name?: Label;
  [option: string]: unknown;
}

export interface FlowEdge {
  from: string;
  to: string;
  when?: string;
  ui?: unknown;
}

export interface Position { x: number; y: number }

export interface FlowGraph {
  key: string;
  name: Label;
  trigger: Trigger;
  nodes: FlowNode[];
  edges: FlowEdge[];
  description?: string;
  settings?: Record<string, unknown>;
  ui?: { positions?: Record<string, Position>; [k: string]: unknown };
  [option: string]: unknown;
}

export interface FlowInfo {
  id: string;
  key: string;
  version: number;
  enabled: boolean;
  name?: Label;
  graph?: FlowGraph;
  hook_token?: string | null;
  definition?: FlowGraph;
  updated_at?: string;
}

export interface NodeStats { entered: number; completed: number; failed: number; waiting: number }

export interface StepRun {
  id: string;
  node_id: string;
  status: string;
  attempts?: number;
  input?: unknown;
  output?: unknown;
  error?: string | null;
  branch?: string | null;
  queued_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
}

export interface FlowRun {
  id: string;
  flow_id?: string;
  status: string;
  record_id?: string | null;
  version?: number;
  error?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  steps?: StepRun[];
}

export interface TestStep {
  node: string;
  type?: string;
  branch?: string | null;
  output?: unknown;
  error?: string;
}

export interface TestResult {
  trigger?: { matches: boolean; error?: string | null };
  path: TestStep[];
}

export interface BacktestResult { days: number; candidates: number; entered: number }

export interface SkipEntry {
  id: string;
  event?: string;
  record_id?: string | null;
  reason: string;
  detail?: string | null;
  created_at?: string;
}
