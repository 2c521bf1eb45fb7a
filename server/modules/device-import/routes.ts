import type { FastifyInstance } from 'fastify';
import type { DeviceImportService } from './service';

export function deviceImportRoutes(app: FastifyInstance, deps: { deviceImport: DeviceImportService }) {
  void app;
  void deps;
}
