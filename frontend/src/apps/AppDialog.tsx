// Create or rename an app: name, key (on create), icon.
import { useEffect } from 'react';
import { Form, Input, Modal, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../api/types';
import { applyFieldErrors } from '../common/errors';
import { KEY_PATTERN, keyFromName } from '../common/keys';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { APP_ICONS } from './AppIcon';
import { useSaveApp, type AppInput } from './queries';

interface Props {
  open: boolean;
  app?: AppInfo | null;
  onClose: (saved?: AppInfo) => void;
}

export function AppDialog({ open, app, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<AppInput & { name: string }>();
  const save = useSaveApp();
  const notify = useNotify();
  const editing = !!app;

  useEffect(() => {
    if (open) {
      form.resetFields();
      if (app) form.setFieldsValue({ name: labelText(app.name, i18n.language), icon: app.icon ?? undefined });
    }
  }, [open, app, form, i18n.language]);

  const onOk = async () => {
    const values = await form.validateFields();
    const input: AppInput & { id?: string } = { name: values.name };
    if (values.icon) input.icon = values.icon;
    if (editing) input.id = app!.id;
    else input.key = values.key;
    save.mutate(input, {
      onSuccess: (saved) => {
        notify.success(editing ? t('common.saved') : t('apps.createdOk'));
        onClose(saved);
      },
      onError: (err) => {
        if (!applyFieldErrors(form, err, ['name', 'key', 'icon'])) notify.error(err);
      },
    });
  };

  return (
    <Modal
      open={open}
      title={editing ? t('apps.renameTitle') : t('apps.createTitle')}
      onOk={onOk}
      okText={editing ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onCancel={() => onClose()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}
        onValuesChange={(changed) => {
          if (!editing && 'name' in changed && !form.isFieldTouched('key')) {
            form.setFieldValue('key', keyFromName(changed.name ?? '', 'app'));
          }
        }}>
        <Form.Item name="name" label={t('apps.name')} rules={[{ required: true, message: t('errors.required') }]}>
          <Input autoFocus maxLength={100} />
        </Form.Item>
        {!editing && (
          <Form.Item name="key" label={t('apps.key')} extra={t('apps.keyHelp')}
            rules={[{ required: true, pattern: KEY_PATTERN, message: t('errors.invalidKey') }]}>
            <Input className="fl-mono" maxLength={63} />
          </Form.Item>
        )}
        <Form.Item name="icon" label={t('apps.icon')}>
          <Radio.Group optionType="button" options={Object.entries(APP_ICONS).map(([value, icon]) => ({ label: <span aria-label={value}>{icon}</span>, value }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
