// Current user and workspace (GET /me), login/signup/logout mutations.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, readCookie } from '../api/client';
import type { Me, User, Workspace } from '../api/types';

type MeResponse = Me | (User & { workspace?: Workspace; workspaces?: Workspace[] });

export function normaliseMe(raw: MeResponse): Me {
  if (raw && typeof raw === 'object' && 'user' in raw && raw.user) {
    return raw as Me;
  }
  const u = raw as User & { workspace?: Workspace; workspaces?: Workspace[] };
  return { user: u, workspace: u.workspace ?? null, workspaces: u.workspaces };
}

export const meKey = ['me'] as const;

export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async () => {
      // The server sets the readable CSRF cookie with every session and clears it when the
      // session ends: without it there is no one to ask about (and no 401 in the console).
      if (!readCookie('formloom_csrf')) return null;
      try {
        return normaliseMe(await api.get<MeResponse>('/me'));
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  workspace: string;
  timezone?: string;
  language?: 'zh-CN' | 'en';
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => api.post('/auth/login', input),
    onSuccess: () => {
      qc.clear();
      return qc.invalidateQueries({ queryKey: meKey });
    },
  });
}

export function useSignup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SignupInput) => api.post('/auth/signup', input),
    onSuccess: () => {
      qc.clear();
      return qc.invalidateQueries({ queryKey: meKey });
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/auth/logout'),
    onSettled: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}
