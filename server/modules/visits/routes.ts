/** Visits: plan, re-plan, step through (start trip, check in, finish), list: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { VisitService } from './service';

export function visitRoutes(app: FastifyInstance, deps: { visits: VisitService }) {
  void app;
  void deps;
}
