/**
 * One shared clock for every countdown on the page: a single 1-second timer, running only while
 * something listens. A countdown reads it at the resolution it needs — every second when its
 * deadline is within the hour, every 30 seconds otherwise — and re-renders only when that value
 * changes, so a queue of 50 badges is not 50 timers nor 50 renders a second.
 */
import { useCallback, useSyncExternalStore } from 'react';

const TICK_MS = 1000;
const HOUR_MS = 3_600_000;
const listeners = new Set<() => void>();
let current = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    current = Date.now();
    timer = setInterval(() => {
      current = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Now, in milliseconds, rounded down to `resolutionMs` (a multiple of a second). */
export function useNow(resolutionMs = TICK_MS): number {
  const snapshot = useCallback(() => Math.floor(current / resolutionMs) * resolutionMs, [resolutionMs]);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Now, ticking every second while `deadline` is less than an hour away (or past), else every 30 s. */
export function useCountdownNow(deadline: number | null): number {
  const coarse = useNow(30_000);
  const near = deadline !== null && Math.abs(deadline - coarse) < HOUR_MS + 30_000;
  const fine = useNow(near ? TICK_MS : 30_000);
  return near ? fine : coarse;
}
