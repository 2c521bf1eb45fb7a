import type { FastifyInstance } from 'fastify';
import type { InstalledBaseService } from './service';

export function installedBaseRoutes(app: FastifyInstance, deps: { installedBase: InstalledBaseService }) {
  void app;
  void deps;
}
