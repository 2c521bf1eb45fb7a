/** The on-call rota per center: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { OnCallService } from './service';

export function onCallRoutes(app: FastifyInstance, deps: { onCall: OnCallService }) {
  void app;
  void deps;
}
