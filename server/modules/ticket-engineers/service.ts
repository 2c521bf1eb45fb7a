/** Engineers on a ticket: helpers and invited experts (专家会诊) (field service, issue 12). */
import type { FieldServiceDeps } from '../field-service-deps';

export function createTicketEngineerService(deps: FieldServiceDeps) {
  void deps;
  return {};
}

export type TicketEngineerService = ReturnType<typeof createTicketEngineerService>;
