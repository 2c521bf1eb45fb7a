/** The dispatch board, engineer suggestions and field-service settings: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { DispatchService } from './service';

export function dispatchRoutes(app: FastifyInstance, deps: { dispatch: DispatchService }) {
  void app;
  void deps;
}
