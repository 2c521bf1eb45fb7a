import type { FastifyInstance } from 'fastify';
import type { ContractService } from './service';

export function contractRoutes(app: FastifyInstance, deps: { contracts: ContractService }) {
  void app;
  void deps;
}
