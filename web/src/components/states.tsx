/** Loading, not-found and error states shared by the pages. */
import { Button, Result, Skeleton, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isNotFound } from '../api/client';
import { errorText } from './feedback';

export function PageSpin() {
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: 240 }}>
      <Spin />
    </div>
  );
}

/** Keeps a loading table at its usual height instead of flashing the empty state. */
export function LoadingRows() {
  return <div style={{ height: 160 }} aria-busy="true" />;
}

export function FullPageSpin() {
  return (
    <div style={{ display: 'grid', placeItems: 'center', height: '100vh' }}>
      <Spin size="large" />
    </div>
  );
}

export function PageSkeleton() {
  return (
    <div className="page-card" style={{ padding: 24 }}>
      <Skeleton active paragraph={{ rows: 8 }} />
    </div>
  );
}

export function NotFoundPage({ title, text, backTo, backLabel }: { title?: string; text?: string; backTo?: string; backLabel?: string }) {
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

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="warning"
      title={t('errors.loadFailed', { message: errorText(error) })}
      extra={onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}

/**
 * A detail page whose record did not load: not found (or not visible; a way back to its list), or
 * the error with a retry.
 */
export function RecordLoadError({
  error,
  onRetry,
  ...notFound
}: {
  error: unknown;
  onRetry: () => void;
  title: string;
  text?: string;
  backTo: string;
  backLabel: string;
}) {
  return isNotFound(error) ? (
    <div className="page-card">
      <NotFoundPage {...notFound} />
    </div>
  ) : (
    <LoadError error={error} onRetry={onRetry} />
  );
}
