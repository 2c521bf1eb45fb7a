/**
 * Queue shortcuts: `/` focuses the search, `j`/`k` move the selected row, Enter opens it, `x`
 * checks or unchecks it for a bulk action, `n` starts a new ticket. Ignored while typing in a
 * field or when a modifier key is held.
 */
import { useEffect } from 'react';

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.getAttribute('role') === 'combobox';
}

export function useQueueKeyboard(options: {
  enabled: boolean;
  rowCount: number;
  selected: number;
  setSelected: (index: number) => void;
  open: (index: number) => void;
  /** Check or uncheck the row for a bulk action (`x`). */
  toggle?: (index: number) => void;
  focusSearch: () => void;
  newTicket?: () => void;
}) {
  const { enabled, rowCount, selected, setSelected, open, toggle, focusSearch, newTicket } = options;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
      // A dialog or dropdown owns the keyboard while it is open.
      if (document.querySelector('.ant-modal-wrap:not([style*="display: none"]), .ant-select-dropdown:not(.ant-select-dropdown-hidden)')) return;
      switch (event.key) {
        case '/':
          event.preventDefault();
          focusSearch();
          break;
        case 'j':
          if (rowCount) setSelected(Math.min(selected + 1, rowCount - 1));
          break;
        case 'k':
          if (rowCount) setSelected(Math.max(selected - 1, 0));
          break;
        case 'Enter':
          // A focused link or button keeps its own Enter.
          if (event.target instanceof HTMLElement && event.target.closest('a, button')) break;
          if (selected >= 0 && selected < rowCount) {
            event.preventDefault();
            open(selected);
          }
          break;
        case 'x':
          if (toggle && selected >= 0 && selected < rowCount) {
            event.preventDefault();
            toggle(selected);
          }
          break;
        case 'n':
          if (newTicket) {
            event.preventDefault();
            newTicket();
          }
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, rowCount, selected, setSelected, open, toggle, focusSearch, newTicket]);
}
