// Looking up records of a related form: titles for ids, and search by title.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { itemsOf, type FieldDef, type FormInfo, type Page, type RecordItem } from '../../api/types';

export function titleFieldOf(form: FormInfo | undefined): string | undefined {
  const def = form?.definition;
  if (!def) return undefined;
  if (def.title_field) return def.title_field;
  return def.fields.find((f) => ['text', 'serial', 'email', 'phone'].includes(f.type))?.key;
}

export function recordTitle(form: FormInfo | undefined, r: RecordItem): string {
  const key = titleFieldOf(form);
  const v = key ? r.data[key] : undefined;
  return v === null || v === undefined || v === '' ? r.id : String(v);
}

export function targetForm(field: FieldDef, forms: FormInfo[] | undefined): FormInfo | undefined {
  return forms?.find((f) => f.key === field.target || f.id === field.target);
}

/** Quotes text for a rule expression. */
export function quote(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `'${text.replace(/'/g, "''")}'`;
}

export function useRelationSearch(form: FormInfo | undefined, search: string) {
  const title = titleFieldOf(form);
  return useQuery({
    queryKey: ['relation-search', form?.id, search],
    queryFn: async () => itemsOf(await api.get<Page<RecordItem>>(`/forms/${form!.id}/records`, {
      limit: 20,
      filter: search && title ? `CONTAINS(${title}, ${quote(search)})` : undefined,
    })),
    enabled: !!form,
    staleTime: 30_000,
  });
}

export function useRecord(id: string | null | undefined) {
  return useQuery({
    queryKey: ['record', id],
    queryFn: () => api.get<RecordItem>(`/records/${id}`),
    enabled: !!id,
    staleTime: 60_000,
  });
}
