/**
 * What the current request is, reachable from anywhere below the route without passing it down:
 * today only the API token behind it, so the audit log can name the token of every change.
 * Opened by the first onRequest hook (http.ts) with `run`, so it spans the hooks and the handler.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  tokenId: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext(context: RequestContext, fn: () => void) {
  storage.run(context, fn);
}

/** The context of the request being served (mutable: the auth hook fills it in). */
export const currentRequestContext = (): RequestContext | undefined => storage.getStore();

/** The API token of the request being served, or null (a session, a background job). */
export const currentTokenId = (): string | null => storage.getStore()?.tokenId ?? null;
