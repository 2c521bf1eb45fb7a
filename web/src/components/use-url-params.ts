/**
 * List pages keep their filters in the URL (a link or a reload shows the same list). `change` sets
 * the parameters given — a value sets one, an empty one removes it — and keeps the others;
 * `clear` removes them all. Both replace the history entry rather than push one: typing in a
 * filter must not fill the back button.
 */
import { useSearchParams } from 'react-router';

export type ParamChanges = Record<string, string | null | undefined>;

export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const change = (changes: ParamChanges) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return { params, change, clear };
}
