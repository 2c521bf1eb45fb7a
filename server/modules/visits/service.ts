/** Visits: plan, re-plan, step through (start trip, check in, finish), list (field service, issue 12). */
import type { FieldServiceDeps } from '../field-service-deps';

export function createVisitService(deps: FieldServiceDeps) {
  void deps;
  return {};
}

export type VisitService = ReturnType<typeof createVisitService>;
