/** Engineers on a ticket: helpers and invited experts (专家会诊): HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { TicketEngineerService } from './service';

export function ticketEngineerRoutes(app: FastifyInstance, deps: { ticketEngineers: TicketEngineerService }) {
  void app;
  void deps;
}
