/** The not-found and load-error results (antd Result), loaded on demand by ./states. */
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorText } from './feedback';

export function NotFoundResult({ title, text, backTo, backLabel }: { title?: string; text?: string; backTo?: string; backLabel?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={title ?? t('errors.notFoundTitle')}
      subTitle={text ?? t('errors.notFoundText')}
      data-testid="not-found"
      extra={
        <Link to={backTo ?? '/'}>
          <Button type="primary">{backLabel ?? t('errors.goHome')}</Button>
        </Link>
      }
    />
  );
}

export function LoadErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="warning"
      title={t('errors.loadFailed', { message: errorText(error) })}
      extra={onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}
