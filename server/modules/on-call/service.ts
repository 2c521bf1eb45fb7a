/** The on-call rota per center (field service, issue 12). */
import type { FieldServiceDeps } from '../field-service-deps';

export function createOnCallService(deps: FieldServiceDeps) {
  void deps;
  return {};
}

export type OnCallService = ReturnType<typeof createOnCallService>;
