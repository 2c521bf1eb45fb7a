import type { FastifyInstance } from 'fastify';
import type { ProductService } from './service';

export function productRoutes(app: FastifyInstance, deps: { products: ProductService }) {
  void app;
  void deps;
}
