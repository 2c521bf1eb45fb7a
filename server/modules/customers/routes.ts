/** /api/customers and caller lookup. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Contact,
  ContactCreate,
  ContactUpdate,
  Customer,
  CustomerCreate,
  CustomerDetail,
  CustomerDetailForCustomer,
  CustomerForCustomer,
  CustomerListQuery,
  CustomerUpdate,
  Id,
  IdParams,
  PhoneLookupQuery,
  PhoneMatch,
  Site,
  SiteCreate,
} from '../../../common/api';
import { isCustomer } from '../../platform/actor';
import { actorOf } from '../../platform/http';
import type { CustomerService } from './service';

export function customerRoutes(app: FastifyInstance, deps: { customers: CustomerService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['customers'];
  const { customers } = deps;

  r.get(
    '/api/customers',
    {
      config: { auth: 'customers.read', token: 'customers:read' },
      schema: {
        tags,
        description: 'Staff get `Customer` rows; customer users their own organisation as `CustomerForCustomer` (no staff fields).',
        querystring: CustomerListQuery,
        // Staff shape first: a customer-facing row lacks its fields, so it can only match the second.
        response: { 200: z.union([z.array(Customer), z.array(CustomerForCustomer)]) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return isCustomer(actor) ? customers.listForCustomer(actor, request.query) : customers.list(actor, request.query);
    },
  );
  r.post(
    '/api/customers',
    { config: { auth: 'customers.write', token: 'customers:write' }, schema: { tags, body: CustomerCreate, response: { 201: Customer } } },
    async (request, reply) => reply.status(201).send(await customers.create(actorOf(request), request.body)),
  );
  r.get(
    '/api/customers/:id',
    {
      config: { auth: 'customers.read', token: 'customers:read' },
      schema: {
        tags,
        description: 'Staff get `CustomerDetail`; customer users their own organisation as `CustomerDetailForCustomer` (no staff fields).',
        params: IdParams,
        response: { 200: z.union([CustomerDetail, CustomerDetailForCustomer]) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return isCustomer(actor) ? customers.getForCustomer(actor, request.params.id) : customers.get(actor, request.params.id);
    },
  );
  r.patch(
    '/api/customers/:id',
    { config: { auth: 'customers.write', token: 'customers:write' }, schema: { tags, params: IdParams, body: CustomerUpdate, response: { 200: Customer } } },
    async (request) => customers.update(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/customers/:id/contacts',
    { config: { auth: 'contacts.write', token: 'customers:write' }, schema: { tags, params: IdParams, body: ContactCreate, response: { 201: Contact } } },
    async (request, reply) => reply.status(201).send(await customers.addContact(actorOf(request), request.params.id, request.body)),
  );
  r.patch(
    '/api/customers/:id/contacts/:contactId',
    {
      config: { auth: 'contacts.write', token: 'customers:write' },
      schema: { tags, params: z.object({ id: Id, contactId: Id }), body: ContactUpdate, response: { 200: Contact } },
    },
    async (request) =>
      customers.updateContact(actorOf(request), request.params.id, request.params.contactId, request.body),
  );
  r.post(
    '/api/customers/:id/sites',
    { config: { auth: 'customers.write', token: 'customers:write' }, schema: { tags, params: IdParams, body: SiteCreate, response: { 201: Site } } },
    async (request, reply) => reply.status(201).send(await customers.addSite(actorOf(request), request.params.id, request.body)),
  );
  r.get(
    '/api/contacts/lookup',
    {
      config: { auth: 'contacts.lookup', token: 'customers:read' },
      schema: {
        tags,
        summary: 'Identify a caller by phone number (any format)',
        querystring: PhoneLookupQuery,
        response: { 200: z.array(PhoneMatch) },
      },
    },
    async (request) => customers.lookupPhone(request.query.phone),
  );
}
