// Server state of dashboards: CRUD, per-widget data under filters, ad-hoc report preview, drill-down.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../api/client';
import { itemsOf, type Page, type RecordItem } from '../api/types';
import type { DashboardDef, DashboardInfo, FilterValues, ReportResult, ReportSpec } from './types';

export function useDashboards(appId: string | undefined) {
  return useQuery({
    queryKey: ['dashboards', appId],
    queryFn: async () => itemsOf(await api.get<Page<DashboardInfo> | DashboardInfo[]>(`/apps/${appId}/dashboards`, { limit: 1000 })),
    enabled: !!appId,
  });
}

export function useDashboard(id: string | undefined) {
  return useQuery({ queryKey: ['dashboard', id], queryFn: () => api.get<DashboardInfo>(`/dashboards/${id}`), enabled: !!id });
}

export function useSaveDashboard(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, def }: { id?: string; def: DashboardDef }) =>
      id ? api.put<DashboardInfo>(`/dashboards/${id}`, def) : api.post<DashboardInfo>(`/apps/${appId}/dashboards`, def),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: ['dashboards', appId] });
      void qc.invalidateQueries({ queryKey: ['dashboard', saved.id] });
      void qc.invalidateQueries({ queryKey: ['dashboard-data', saved.id] });
    },
  });
}

export function useDeleteDashboard(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/dashboards/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['dashboards', appId] }),
  });
}

export function useDashboardData(id: string | undefined, filters: FilterValues, refreshMs: number | false, enabled: boolean) {
  return useQuery({
    queryKey: ['dashboard-data', id, filters],
    queryFn: () => api.get<{ widgets: Record<string, ReportResult> }>(`/dashboards/${id}/data`, { filters: JSON.stringify(filters) }),
    enabled: !!id && enabled,
    refetchInterval: refreshMs,
    placeholderData: (prev) => prev,
  });
}

/** A widget being edited: its spec runs directly, before the dashboard is saved. */
export function useReportPreview(appId: string, spec: ReportSpec | null) {
  return useQuery({
    queryKey: ['report-preview', appId, spec],
    queryFn: () => api.post<ReportResult>('/reports/query', { ...spec, app_id: appId }),
    enabled: !!spec,
    retry: false,
    placeholderData: (prev) => prev,
  });
}

export interface DrillResult { form_id: string; filter: string | null; items: RecordItem[]; next_cursor: string | null }

export function useDrill(dashboardId: string | undefined, widgetId: string | undefined, point: Record<string, unknown> | null, filters: FilterValues) {
  return useQuery({
    queryKey: ['drill', dashboardId, widgetId, point, filters],
    queryFn: () => api.get<DrillResult>(`/dashboards/${dashboardId}/widgets/${widgetId}/drill`, {
      point: JSON.stringify(point), filters: JSON.stringify(filters), limit: 100,
    }),
    enabled: !!dashboardId && !!widgetId && !!point,
    retry: false,
  });
}

export function exportUrl(dashboardId: string, widgetId: string, filters: FilterValues): string {
  return apiUrl(`/dashboards/${dashboardId}/widgets/${widgetId}/export`, { filters: JSON.stringify(filters) });
}
