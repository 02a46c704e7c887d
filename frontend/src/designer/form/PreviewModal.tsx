// Live preview of the form as a user will fill it, on a desktop or a phone.
import { useState } from 'react';
import { Modal, Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FormDefinition, FormInfo } from '../../api/types';
import { labelText } from '../../common/label';
import { RecordForm } from '../../records/entry/RecordForm';
import { useEvalContext } from '../../records/shared/useEvalContext';

interface Props { open: boolean; definition: FormDefinition; appId: string; forms?: FormInfo[]; onClose: () => void }

export function PreviewModal({ open, definition, appId, forms, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [device, setDevice] = useState<'desktop' | 'phone'>('desktop');
  const ctx = useEvalContext();
  return (
    <Modal open={open} onCancel={onClose} footer={null} width={device === 'phone' ? 460 : 980} destroyOnHidden
      title={<span>{t('designer.preview')} · {labelText(definition.name, i18n.language, definition.key)}</span>}>
      <Segmented value={device} onChange={(v) => setDevice(v as 'desktop' | 'phone')} style={{ marginBottom: 12 }}
        options={[{ value: 'desktop', label: t('designer.desktop') }, { value: 'phone', label: t('designer.phone') }]} />
      <div className={device === 'phone' ? 'fl-preview-phone' : undefined} data-testid="designer-preview">
        <RecordForm definition={definition} isNew evalContext={ctx} appId={appId} forms={forms}
          submitLabel={t('designer.previewSubmit')} onSubmit={() => undefined} />
      </div>
    </Modal>
  );
}
