// Shapes of the HTTP API (see shared/design/API.md) as the front end uses them.

export type Label = string | { zh?: string; en?: string };

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role?: string;
}

export interface Workspace {
  id: string;
  name: string;
  timezone?: string;
  language?: string;
  role?: string;
}

export interface Me {
  user: User;
  workspace: Workspace | null;
  role?: string;
  department_ids?: string[];
  workspaces?: Workspace[];
}

export interface AppInfo {
  id: string;
  key: string;
  name: Label;
  icon?: string | null;
  description?: string | null;
  created_at?: string;
}

export type FieldType =
  | 'text' | 'textarea' | 'richtext' | 'number' | 'checkbox' | 'date' | 'datetime'
  | 'select' | 'multiselect' | 'phone' | 'email' | 'url' | 'rating' | 'serial'
  | 'user' | 'users' | 'department' | 'file' | 'image' | 'signature' | 'address'
  | 'location' | 'subform' | 'relation' | 'lookup' | 'rollup' | 'formula' | 'section';

export interface FieldDef {
  key: string;
  type: FieldType;
  label?: Label;
  description?: Label;
  required?: boolean;
  required_when?: string;
  visible_when?: string;
  readonly?: boolean;
  hidden?: boolean;
  default?: unknown;
  ui?: Record<string, unknown>;
  // type-specific options
  min_length?: number;
  max_length?: number;
  pattern?: string;
  unique?: boolean;
  min?: number | string;
  max?: number | string;
  decimals?: number;
  format?: 'plain' | 'percent' | 'currency';
  options?: string[];
  allow_other?: boolean;
  min_items?: number;
  max_items?: number;
  prefix?: string;
  digits?: number;
  reset?: 'never' | 'yearly' | 'monthly';
  max_files?: number;
  max_size?: number;
  accept?: string;
  fields?: FieldDef[];
  min_rows?: number;
  max_rows?: number;
  target?: string;
  multiple?: boolean;
  filter?: string;
  via?: string;
  field?: string;
  source?: string;
  agg?: 'count' | 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';
  expression?: string;
  result?: 'number' | 'text' | 'date' | 'boolean';
  public?: boolean;
  [extra: string]: unknown;
}

export interface Validation {
  expression: string;
  message?: Label;
}

export interface FormDefinition {
  key: string;
  name: Label;
  title_field?: string;
  fields: FieldDef[];
  validations?: Validation[];
  unique?: string[][];
  permissions?: Record<string, unknown>;
  settings?: {
    public?: { enabled?: boolean; [k: string]: unknown };
    edit_after_submit?: boolean;
    data_log?: boolean;
    [k: string]: unknown;
  };
  ui?: Record<string, unknown>;
}

export interface FormInfo {
  id: string;
  key: string;
  version: number;
  definition: FormDefinition;
  app_id?: string;
  name?: Label;
  public?: { url: string; token: string } | null;
}

export interface RecordItem {
  id: string;
  form_id: string;
  data: Record<string, unknown>;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string | null | { id: string; name?: string };
}

export interface Revision {
  id?: string;
  version?: number;
  at?: string;
  created_at?: string;
  by?: string | { id: string; name?: string; email?: string } | null;
  who?: string | { id: string; name?: string; email?: string } | null;
  action?: string;
  changed?: string[] | Record<string, unknown>;
  changes?: Record<string, { from?: unknown; to?: unknown; old?: unknown; new?: unknown }>;
  data?: Record<string, unknown>;
  actor_id?: string | null;
  source?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface Job {
  id?: string;
  status: 'queued' | 'running' | 'finished' | 'failed' | 'done' | 'succeeded' | string;
  progress?: { done: number; total: number | null };
  errors?: Array<{ row?: number; field?: string; message: string } | string>;
  result?: Record<string, unknown>;
}

export interface NotificationItem {
  id: string;
  title?: string;
  body?: string;
  message?: string;
  link?: string | null;
  read?: boolean;
  read_at?: string | null;
  created_at: string;
}

export interface Member {
  id: string;
  email: string;
  name?: string;
  role: Role;
  status?: string;
  department_id?: string | null;
  user_id?: string;
}

export type Role = 'owner' | 'admin' | 'editor' | 'member' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'editor', 'member', 'viewer'];

export interface Department {
  id: string;
  name: string;
  parent_id?: string | null;
  manager_id?: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  token?: string;
  created_at?: string;
  last_used_at?: string | null;
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  form_id?: string | null;
  active?: boolean;
  created_at?: string;
}

export interface TemplateInfo {
  key: string;
  name: Label;
  description?: Label;
  version: string;
  icon?: string;
  preview?: string;
}

export interface RuleCheckError {
  message: string;
  offset: number;
  line: number;
  column: number;
}

export interface RuleCheckResult {
  ok: boolean;
  errors: RuleCheckError[];
  fields: string[];
  result_type: string | null;
}

export interface FileRef {
  id: string;
  name: string;
  size: number;
  content_type: string;
}

/** Unwraps lists that may come as {items} pages or plain arrays. */
export function itemsOf<T>(value: Page<T> | T[] | { items?: T[] } | undefined | null): T[] {
  if (!value) return [];
  if (Array.isArray(value)) return value;
  return value.items ?? [];
}
