// Which field types store a value and which are computed (no UI imports: the public page uses it).
import type { FieldType } from '../api/types';

export const LAYOUT_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['section']);
export const COMPUTED_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['serial', 'lookup', 'rollup', 'formula']);

export const storesValue = (type: FieldType) => !LAYOUT_TYPES.has(type);
export const isComputed = (type: FieldType) => COMPUTED_TYPES.has(type);
