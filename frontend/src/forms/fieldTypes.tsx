// The field types of FORMATS.md with their palette group, icon and starting options.
import type { ReactNode } from 'react';
import {
  AimOutlined, ApartmentOutlined, BorderOutlined, CalendarOutlined, CheckSquareOutlined,
  ClockCircleOutlined, EditOutlined, EnvironmentOutlined, FieldNumberOutlined, FileOutlined, FontSizeOutlined,
  FunctionOutlined, HighlightOutlined, LinkOutlined, MailOutlined, NumberOutlined,
  PhoneOutlined, PictureOutlined, ProfileOutlined, SearchOutlined, SelectOutlined, StarOutlined, TableOutlined,
  TeamOutlined, UnorderedListOutlined, UserOutlined, AlignLeftOutlined, CalculatorOutlined as RollupOutlined, SplitCellsOutlined,
} from '@ant-design/icons';
import type { FieldDef, FieldType } from '../api/types';

export type FieldGroup = 'basic' | 'choice' | 'contact' | 'people' | 'media' | 'advanced' | 'layout';

export interface FieldTypeInfo {
  type: FieldType;
  group: FieldGroup;
  icon: ReactNode;
  /** Stores a value in the record (section does not). */
  stores: boolean;
  /** Computed by the platform, never typed by a user. */
  computed: boolean;
  /** Options a new field starts with. */
  initial?: Partial<FieldDef>;
}

export const FIELD_TYPES: FieldTypeInfo[] = [
  { type: 'text', group: 'basic', icon: <FontSizeOutlined />, stores: true, computed: false },
  { type: 'textarea', group: 'basic', icon: <AlignLeftOutlined />, stores: true, computed: false },
  { type: 'richtext', group: 'basic', icon: <HighlightOutlined />, stores: true, computed: false },
  { type: 'number', group: 'basic', icon: <NumberOutlined />, stores: true, computed: false },
  { type: 'checkbox', group: 'basic', icon: <CheckSquareOutlined />, stores: true, computed: false },
  { type: 'date', group: 'basic', icon: <CalendarOutlined />, stores: true, computed: false },
  { type: 'datetime', group: 'basic', icon: <ClockCircleOutlined />, stores: true, computed: false },
  { type: 'select', group: 'choice', icon: <SelectOutlined />, stores: true, computed: false, initial: { options: [] } },
  { type: 'multiselect', group: 'choice', icon: <UnorderedListOutlined />, stores: true, computed: false, initial: { options: [] } },
  { type: 'rating', group: 'choice', icon: <StarOutlined />, stores: true, computed: false, initial: { max: 5 } },
  { type: 'phone', group: 'contact', icon: <PhoneOutlined />, stores: true, computed: false },
  { type: 'email', group: 'contact', icon: <MailOutlined />, stores: true, computed: false },
  { type: 'url', group: 'contact', icon: <LinkOutlined />, stores: true, computed: false },
  { type: 'address', group: 'contact', icon: <EnvironmentOutlined />, stores: true, computed: false },
  { type: 'location', group: 'contact', icon: <AimOutlined />, stores: true, computed: false },
  { type: 'user', group: 'people', icon: <UserOutlined />, stores: true, computed: false },
  { type: 'users', group: 'people', icon: <TeamOutlined />, stores: true, computed: false },
  { type: 'department', group: 'people', icon: <ApartmentOutlined />, stores: true, computed: false },
  { type: 'file', group: 'media', icon: <FileOutlined />, stores: true, computed: false },
  { type: 'image', group: 'media', icon: <PictureOutlined />, stores: true, computed: false },
  { type: 'signature', group: 'media', icon: <EditOutlined />, stores: true, computed: false },
  { type: 'serial', group: 'advanced', icon: <FieldNumberOutlined />, stores: true, computed: true, initial: { prefix: '', digits: 6, reset: 'never' } },
  { type: 'subform', group: 'advanced', icon: <TableOutlined />, stores: true, computed: false, initial: { fields: [] } },
  { type: 'relation', group: 'advanced', icon: <SearchOutlined />, stores: true, computed: false, initial: { multiple: false } },
  { type: 'lookup', group: 'advanced', icon: <ProfileOutlined />, stores: true, computed: true },
  { type: 'rollup', group: 'advanced', icon: <RollupOutlined />, stores: true, computed: true, initial: { agg: 'count' } },
  { type: 'formula', group: 'advanced', icon: <FunctionOutlined />, stores: true, computed: true, initial: { expression: '' } },
  { type: 'section', group: 'layout', icon: <SplitCellsOutlined />, stores: false, computed: false },
];

export const FIELD_GROUPS: FieldGroup[] = ['basic', 'choice', 'contact', 'people', 'media', 'advanced', 'layout'];

const BY_TYPE = new Map(FIELD_TYPES.map((f) => [f.type, f]));

export function fieldTypeInfo(type: FieldType): FieldTypeInfo {
  return BY_TYPE.get(type) ?? { type, group: 'basic', icon: <BorderOutlined />, stores: true, computed: false };
}

/** Types allowed inside a subform (no nested subforms or sections). */
export const SUBFORM_TYPES: FieldType[] = FIELD_TYPES
  .map((f) => f.type)
  .filter((t) => !['subform', 'section', 'rollup', 'serial'].includes(t));

