/** /api/products: the product catalog. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import { Product, ProductCreate, ProductUpdate } from '../../../common/api/installed-base';
import { actorOf } from '../../platform/http';
import type { ProductService } from './service';

export function productRoutes(app: FastifyInstance, deps: { products: ProductService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['products'];
  const read = { auth: 'installed_base.read', token: 'installed_base:read' } as const;
  const write = { auth: 'products.write', token: 'installed_base:write' } as const;
  const { products } = deps;

  r.get(
    '/api/products',
    {
      config: read,
      schema: {
        tags,
        description: "Staff: the whole catalog, each model with its unit count. Customer users: the models of their organisation's devices, counted over those.",
        response: { 200: z.array(Product) },
      },
    },
    async (request) => products.list(actorOf(request)),
  );
  r.get('/api/products/:id', { config: read, schema: { tags, params: IdParams, response: { 200: Product } } }, async (request) =>
    products.get(actorOf(request), request.params.id),
  );
  r.post('/api/products', { config: write, schema: { tags, body: ProductCreate, response: { 201: Product } } }, async (request, reply) =>
    reply.status(201).send(await products.create(actorOf(request), request.body)),
  );
  r.patch('/api/products/:id', { config: write, schema: { tags, params: IdParams, body: ProductUpdate, response: { 200: Product } } }, async (request) =>
    products.update(actorOf(request), request.params.id, request.body),
  );
}
