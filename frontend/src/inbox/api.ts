// Server state of the task inbox: my tasks and approvals, and the actions on them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { itemsOf, type Member, type Page } from '../api/types';

export type TaskFilter = 'open' | 'done' | 'overdue';
export type Outcome = 'done' | 'approve' | 'reject' | 'send_back';

export interface TaskEvent {
  at?: string;
  created_at?: string;
  by?: string | null;
  user_id?: string | null;
  action?: string;
  outcome?: string | null;
  comment?: string | null;
}

export interface FieldPermissions { visible?: string[] | null; editable?: string[] | null }

export interface Task {
  id: string;
  kind?: 'task' | 'approval' | string;
  type?: string;
  title?: string | null;
  description?: string | null;
  status: string;
  outcome?: string | null;
  comment?: string | null;
  record_id?: string | null;
  form_id?: string | null;
  flow_id?: string | null;
  run_id?: string | null;
  node_id?: string | null;
  assignee_id?: string | null;
  due_at?: string | null;
  created_at: string;
  completed_at?: string | null;
  fields?: FieldPermissions | null;
  details?: { fields?: FieldPermissions | null; [k: string]: unknown } | null;
  send_back_targets?: Array<{ id: string; label?: string }>;
  history?: TaskEvent[];
}

export function isApproval(task: Task): boolean {
  return (task.kind ?? task.type) === 'approval';
}

export function isOverdue(task: Task, now: Date = new Date()): boolean {
  return task.status === 'open' && !!task.due_at && new Date(task.due_at).getTime() < now.getTime();
}

/** The server knows open and done; overdue is the open tasks whose due time has passed. */
export function useTasks(filter: TaskFilter) {
  return useQuery({
    queryKey: ['tasks', filter],
    queryFn: async () => {
      const status = filter === 'done' ? 'done' : 'open';
      const tasks = itemsOf(await api.get<Page<Task> | Task[]>('/tasks', { assignee: 'me', status, limit: 200 }));
      return filter === 'overdue' ? tasks.filter((task) => isOverdue(task)) : tasks;
    },
    refetchInterval: 30_000,
  });
}

export function useTask(taskId: string | null) {
  return useQuery({ queryKey: ['task', taskId], queryFn: () => api.get<Task>(`/tasks/${taskId}`), enabled: !!taskId, retry: false });
}

export interface RunStep { id: string; node_id: string; node_type?: string; status: string; branch?: string | null; output?: unknown; finished_at?: string | null; started_at?: string | null }

/** The run behind a task: its steps are the approval history of the record in this flow. */
export function useTaskRun(runId: string | null | undefined) {
  return useQuery({
    queryKey: ['run', runId],
    queryFn: () => api.get<{ id: string; status: string; steps?: RunStep[] }>(`/runs/${runId}`),
    enabled: !!runId,
    retry: false,
  });
}

export function useMembers() {
  return useQuery({
    queryKey: ['members'],
    queryFn: async () => itemsOf(await api.get<Page<Member> | Member[]>('/members', { limit: 1000 })),
    staleTime: 60_000,
  });
}

export interface CompleteInput {
  outcome: Outcome;
  comment?: string;
  signature?: { image: string };
  to_node?: string;
}

/** Field permissions the approval node grants, wherever the server puts them. */
export function permissionsOf(task: Task): FieldPermissions | null {
  return task.fields ?? task.details?.fields ?? null;
}

export type TaskAction =
  | { kind: 'complete'; input: CompleteInput }
  | { kind: 'transfer'; user_id: string }
  | { kind: 'add_approver'; user_id: string };

function send(taskId: string, action: TaskAction) {
  switch (action.kind) {
    case 'complete': {
      const body: Record<string, unknown> = { outcome: action.input.outcome };
      for (const key of ['comment', 'signature', 'to_node'] as const) {
        const value = action.input[key];
        if (value !== undefined && value !== '') body[key] = value;
      }
      return api.post<Task>(`/tasks/${taskId}/complete`, body);
    }
    case 'transfer':
      return api.post<Task>(`/tasks/${taskId}/transfer`, { user_id: action.user_id });
    case 'add_approver':
      return api.post<Task>(`/tasks/${taskId}/add-approver`, { user_id: action.user_id });
  }
}

export function useTaskAction(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: TaskAction) => send(taskId, action),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
}
