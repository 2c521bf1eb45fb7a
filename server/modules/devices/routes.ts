import type { FastifyInstance } from 'fastify';
import type { DeviceService } from './service';

export function deviceRoutes(app: FastifyInstance, deps: { devices: DeviceService }) {
  void app;
  void deps;
}
