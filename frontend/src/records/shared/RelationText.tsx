// Titles of related records (fetched once per id and cached), for grid cells and details.
import type { FieldDef, FormInfo } from '../../api/types';
import { recordTitle, targetForm, useRecord } from './relations';

function One({ id, form }: { id: string; form: FormInfo | undefined }) {
  const rec = useRecord(id);
  return <>{rec.data ? recordTitle(form, rec.data) : '…'}</>;
}

export function RelationText({ field, value, forms }: { field: FieldDef; value: unknown; forms?: FormInfo[] }) {
  const ids = (Array.isArray(value) ? value : value ? [value] : []).map(String);
  const form = targetForm(field, forms);
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>{i > 0 && ', '}<One id={id} form={form} /></span>
      ))}
    </>
  );
}
