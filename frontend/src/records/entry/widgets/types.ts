// Props every field widget takes.
import type { FieldDef, FormInfo } from '../../../api/types';

export interface WidgetContext {
  appId?: string;
  /** Forms of the app, to resolve relation targets by key. */
  forms?: FormInfo[];
  lang: string;
  /** Server errors for subform cells, keyed by path (items[2].qty). */
  errors?: Record<string, string[]>;
  formulaErrors?: Record<string, string>;
}

export interface WidgetProps<T = unknown> {
  field: FieldDef;
  value: T;
  onChange: (value: T) => void;
  disabled?: boolean;
  ctx: WidgetContext;
  id?: string;
}
