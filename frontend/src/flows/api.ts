// Server state of flows: graphs and versions, enable/disable, test, backtest, runs, stats, skips.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { itemsOf, type Label, type Page } from '../api/types';
import type { BacktestResult, FlowGraph, FlowInfo, FlowRun, SkipEntry, TestResult } from './types';

export function flowGraph(flow: FlowInfo): FlowGraph {
  const graph = flow.graph ?? flow.definition ?? (flow as unknown as FlowGraph);
  return { ...graph, key: graph.key ?? flow.key, name: graph.name ?? flow.name ?? flow.key, nodes: graph.nodes ?? [], edges: graph.edges ?? [] };
}

export function useFlows(appId: string | undefined) {
  return useQuery({
    queryKey: ['flows', appId],
    queryFn: async () => itemsOf(await api.get<Page<FlowInfo> | FlowInfo[]>(`/apps/${appId}/flows`, { limit: 1000 })),
    enabled: !!appId,
  });
}

export function useFlow(flowId: string | undefined) {
  return useQuery({
    queryKey: ['flow', flowId],
    queryFn: () => api.get<FlowInfo>(`/flows/${flowId}`),
    enabled: !!flowId,
  });
}

export function useCreateFlow(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (graph: FlowGraph) => api.post<FlowInfo>(`/apps/${appId}/flows`, graph),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['flows', appId] }),
  });
}

export function useSaveFlow(flowId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (graph: FlowGraph) => api.put<FlowInfo>(`/flows/${flowId}`, graph),
    onSuccess: (flow) => {
      void qc.invalidateQueries({ queryKey: ['flows'] });
      void qc.invalidateQueries({ queryKey: ['flow', flowId] });
      return flow;
    },
  });
}

export function useToggleFlow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enable }: { id: string; enable: boolean }) => api.post<FlowInfo>(`/flows/${id}/${enable ? 'enable' : 'disable'}`),
    onSuccess: (_, { id }) => {
      void qc.invalidateQueries({ queryKey: ['flows'] });
      void qc.invalidateQueries({ queryKey: ['flow', id] });
    },
  });
}

export function useDeleteFlow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/flows/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['flows'] }),
  });
}

export function useFlowStats(flowId: string | undefined, live: boolean) {
  return useQuery({
    queryKey: ['flow-stats', flowId],
    queryFn: () => api.get<unknown>(`/flows/${flowId}/stats`),
    enabled: !!flowId,
    refetchInterval: live ? 10_000 : false,
    retry: false,
  });
}

export function useRuns(flowId: string | undefined, status?: string) {
  return useQuery({
    queryKey: ['flow-runs', flowId, status ?? ''],
    queryFn: async () => itemsOf(await api.get<Page<FlowRun> | FlowRun[]>(`/flows/${flowId}/runs`, { status, limit: 100 })),
    enabled: !!flowId,
    refetchInterval: 10_000,
  });
}

export function useRun(runId: string | null) {
  return useQuery({
    queryKey: ['run', runId],
    queryFn: () => api.get<FlowRun>(`/runs/${runId}`),
    enabled: !!runId,
    refetchInterval: 5_000,
  });
}

export function useRunAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ runId, action }: { runId: string; action: 'cancel' | 'retry' }) => api.post<FlowRun>(`/runs/${runId}/${action}`),
    onSuccess: (_, { runId }) => {
      void qc.invalidateQueries({ queryKey: ['run', runId] });
      void qc.invalidateQueries({ queryKey: ['flow-runs'] });
    },
  });
}

export function useSkips(flowId: string | undefined) {
  return useQuery({
    queryKey: ['flow-skips', flowId],
    queryFn: async () => itemsOf(await api.get<Page<SkipEntry> | SkipEntry[]>(`/flows/${flowId}/trigger-log`, { limit: 100 })),
    enabled: !!flowId,
    retry: false,
  });
}

export const testFlow = (flowId: string, recordId: string) => api.post<TestResult>(`/flows/${flowId}/test`, { record_id: recordId });
export const backtestFlow = (flowId: string, days: number) => api.post<BacktestResult>(`/flows/${flowId}/backtest`, { days });
export const startRun = (flowId: string, recordId: string) => api.post<FlowRun>(`/flows/${flowId}/runs`, { record_id: recordId });

export interface AppRole { key: string; name?: Label; base_role?: string }
export interface SegmentInfo { id: string; key: string; name?: Label; form_id?: string }

/** The app's own roles: assignees `{"role": key}` may name one of them or a workspace role. */
export function useAppRoles(appId: string | undefined) {
  return useQuery({
    queryKey: ['app-roles', appId],
    queryFn: async () => itemsOf(await api.get<AppRole[] | Page<AppRole>>(`/apps/${appId}/roles`)),
    enabled: !!appId,
    staleTime: 60_000,
    retry: false,
  });
}

export function useSegments(formId: string | undefined) {
  return useQuery({
    queryKey: ['segments', formId],
    queryFn: async () => itemsOf(await api.get<Page<SegmentInfo> | SegmentInfo[]>(`/forms/${formId}/segments`, { limit: 1000 })),
    enabled: !!formId,
    staleTime: 60_000,
    retry: false,
  });
}
