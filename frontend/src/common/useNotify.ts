// Feedback toasts through antd's App context so they follow theme and locale.
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from './errors';

export function useNotify() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return {
    success: (text: string) => void message.success(text),
    info: (text: string) => void message.info(text),
    error: (err: unknown) => void message.error(errorMessage(err, t)),
  };
}
