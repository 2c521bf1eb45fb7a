/**
 * Phone-sized screens (narrower than antd's `md`, 768 px): the layouts swap the sider for a drawer,
 * the queue shows cards, dialogs become full-screen sheets (styles.css, same breakpoint).
 */
import { useSyncExternalStore } from 'react';

export const NARROW_QUERY = '(max-width: 767.98px)';

function subscribe(onChange: () => void) {
  const media = window.matchMedia(NARROW_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

const snapshot = () => window.matchMedia(NARROW_QUERY).matches;

/** True below 768 px; follows rotation and window resizes. */
export function useNarrow(): boolean {
  return useSyncExternalStore(subscribe, snapshot, () => false);
}
