/** Loading, not-found and error states shared by the pages. */
import { Skeleton, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { isNotFound } from '../api/client';

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

type NotFoundProps = { title?: string; text?: string; backTo?: string; backLabel?: string };
type LoadErrorProps = { error: unknown; onRetry?: () => void };

// antd's Result (with its 404/500 illustrations) is only needed when something is missing or failed:
// a chunk of its own, kept out of every page's first load.
const results = () => import('./result-states');
const LazyNotFound = lazy(() => results().then((m) => ({ default: m.NotFoundResult })));
const LazyLoadError = lazy(() => results().then((m) => ({ default: m.LoadErrorResult })));

export function NotFoundPage(props: NotFoundProps) {
  return (
    <Suspense fallback={<PageSpin />}>
      <LazyNotFound {...props} />
    </Suspense>
  );
}

export function LoadError(props: LoadErrorProps) {
  return (
    <Suspense fallback={<PageSpin />}>
      <LazyLoadError {...props} />
    </Suspense>
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
