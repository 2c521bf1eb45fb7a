/** Puts the server's field errors (`details.fields`) on the matching form fields. */
import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { errorText, fieldErrorText, showError } from './feedback';

const toNamePath = (path: string) => path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/**
 * Shows a failed submit: field errors next to their fields (when the form has them), anything
 * else as a notification with the server's message.
 */
export function handleFormError(form: FormInstance, error: unknown, aliases: Record<string, string> = {}) {
  if (error instanceof ApiError) {
    const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
    const placed = error.fieldErrors
      .map((f) => ({ ...f, path: aliases[f.path] ?? f.path }))
      .map((f) => {
        // A message for `phones.0` belongs on the `phones` field when only that one exists.
        let path = f.path;
        while (path && !registered.has(path)) path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
        // A conflict's field message is terse ("taken"); its main message says what clashed.
        const message = error.code === 'conflict' ? errorText(error) : fieldErrorText(f);
        return path ? { name: toNamePath(path), errors: [message] } : null;
      })
      .filter((f): f is { name: (string | number)[]; errors: string[] } => f !== null);
    if (placed.length) {
      form.setFields(placed);
      if (placed.length < error.fieldErrors.length) showError(error);
      return;
    }
  }
  showError(error);
}

/** The form's values, or null when a field is invalid (antd then shows the messages). */
export async function validated<T>(form: FormInstance<T>): Promise<T | null> {
  try {
    return await form.validateFields();
  } catch {
    return null;
  }
}
