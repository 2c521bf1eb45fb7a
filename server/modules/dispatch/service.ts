/** The dispatch board, engineer suggestions and field-service settings (field service, issue 12). */
import type { FieldServiceDeps } from '../field-service-deps';

export function createDispatchService(deps: FieldServiceDeps) {
  void deps;
  return {};
}

export type DispatchService = ReturnType<typeof createDispatchService>;
