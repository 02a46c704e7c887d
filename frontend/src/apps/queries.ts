// Server state for apps and their forms.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { itemsOf, type AppInfo, type FormInfo, type Label, type Page } from '../api/types';

export const appsKey = ['apps'] as const;

export function useApps() {
  return useQuery({
    queryKey: appsKey,
    queryFn: async () => itemsOf(await api.get<Page<AppInfo> | AppInfo[]>('/apps', { limit: 1000 })),
  });
}

export function useApp(appId: string | undefined) {
  return useQuery({
    queryKey: ['app', appId],
    queryFn: () => api.get<AppInfo>(`/apps/${appId}`),
    enabled: !!appId,
  });
}

export interface AppInput {
  key?: string;
  name: Label;
  icon?: string;
}

export function useSaveApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: AppInput & { id?: string }) =>
      id ? api.patch<AppInfo>(`/apps/${id}`, input) : api.post<AppInfo>('/apps', input),
    onSuccess: (app) => {
      void qc.invalidateQueries({ queryKey: appsKey });
      if (app?.id) qc.setQueryData(['app', app.id], app);
    },
  });
}

export function useDeleteApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/apps/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: appsKey }),
  });
}

export function formsKey(appId: string) {
  return ['forms', appId] as const;
}

export function useForms(appId: string | undefined) {
  return useQuery({
    queryKey: formsKey(appId ?? ''),
    queryFn: async () =>
      itemsOf(await api.get<Page<FormInfo> | FormInfo[]>(`/apps/${appId}/forms`, { limit: 1000 })),
    enabled: !!appId,
  });
}

export function formKey(formId: string) {
  return ['form', formId] as const;
}

export function useForm(formId: string | undefined) {
  return useQuery({
    queryKey: formKey(formId ?? ''),
    queryFn: () => api.get<FormInfo>(`/forms/${formId}`),
    enabled: !!formId && formId !== 'new',
  });
}

export function useDeleteForm(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/forms/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: formsKey(appId) }),
  });
}
