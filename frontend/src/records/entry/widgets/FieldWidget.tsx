// Picks the widget for a field type; computed types show their current value read-only.
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FieldValue } from '../../display';
import { useDisplayContext } from '../../useDisplayContext';
import { AddressWidget } from './AddressWidget';
import {
  CheckboxWidget, DateTimeWidget, DateWidget, MultiSelectWidget, NumberWidget, RatingWidget, SelectWidget, TextWidget,
} from './BasicWidgets';
import { LocationWidget } from './LocationWidget';
import { DepartmentWidget, UserWidget } from './PeopleWidgets';
import { RelationWidget } from './RelationWidget';
import { RichTextWidget } from './RichTextWidget';
import { SignatureWidget } from './SignatureWidget';
import { SubformWidget } from './SubformWidget';
import type { WidgetProps } from './types';
import { UploadWidget } from './UploadWidget';

function ComputedValue(p: WidgetProps) {
  const { t } = useTranslation();
  const display = useDisplayContext();
  if (p.field.type === 'serial' && (p.value === null || p.value === undefined)) {
    return <Typography.Text type="secondary">{t('records.serialAssigned')}</Typography.Text>;
  }
  if ((p.field.type === 'lookup' || p.field.type === 'rollup') && (p.value === null || p.value === undefined)) {
    return <Typography.Text type="secondary">{t('records.computedOnSave')}</Typography.Text>;
  }
  return <span id={p.id} data-computed={p.field.key}><FieldValue field={p.field} value={p.value} ctx={display} /></span>;
}

export function FieldWidget(props: WidgetProps & { inCell?: boolean }) {
  const { inCell: _inCell, ...p } = props;
  const disabled = p.disabled || !!p.field.readonly;
  const q = { ...p, disabled };
  switch (p.field.type) {
    case 'text': case 'textarea': case 'phone': case 'email': case 'url': return <TextWidget {...q} />;
    case 'richtext': return <RichTextWidget {...q} />;
    case 'number': return <NumberWidget {...q} />;
    case 'checkbox': return <CheckboxWidget {...q} />;
    case 'date': return <DateWidget {...q} />;
    case 'datetime': return <DateTimeWidget {...q} />;
    case 'select': return <SelectWidget {...q} />;
    case 'multiselect': return <MultiSelectWidget {...q} />;
    case 'rating': return <RatingWidget {...q} />;
    case 'user': case 'users': return <UserWidget {...q} />;
    case 'department': return <DepartmentWidget {...q} />;
    case 'file': case 'image': return <UploadWidget {...q} />;
    case 'signature': return <SignatureWidget {...q} />;
    case 'address': return <AddressWidget {...q} />;
    case 'location': return <LocationWidget {...q} />;
    case 'subform': return <SubformWidget {...q} />;
    case 'relation': return <RelationWidget {...q} />;
    case 'formula': case 'lookup': case 'rollup': case 'serial': return <ComputedValue {...q} />;
    default: return null;
  }
}
