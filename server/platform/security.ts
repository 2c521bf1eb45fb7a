/**
 * Response hardening and the general API rate limit. Security headers on every response (helmet):
 * a CSP that fits the built web app — scripts only from us; styles from us plus inline (antd
 * writes its CSS-in-JS into <style> tags); data: for the favicon and image previews — no framing,
 * no MIME sniffing, same-origin referrers. Routes that serve untrusted content (attachments) set
 * their own stricter CSP, which replaces this one.
 *
 * The rate limit counts per client — API token, else session, else address — in this process.
 * It is generous on purpose: it stops runaway scripts, not people. Per-token limits that hold
 * across processes live in the database (modules/tokens); failed logins have their own.
 */
import crypto from 'node:crypto';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors';
import { bearerOf } from './http';

const digest = (value: string) => crypto.createHash('sha256').update(value).digest('base64url').slice(0, 22);

export interface SecurityOptions {
  apiRequestsPerMinute: number;
  cookieName: string;
  /** Send Strict-Transport-Security: on when cookies are secure (the desk is served over HTTPS). */
  hsts: boolean;
}

export async function installSecurity(app: FastifyInstance, options: SecurityOptions) {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    // The desk is often served over plain HTTP inside a company network: HSTS there would lock
    // browsers out. Secure cookies say the desk is on HTTPS, so then browsers should insist on it
    // (a year; no includeSubDomains or preload — other hosts of the company are not ours to decide).
    strictTransportSecurity: options.hsts ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });

  if (options.apiRequestsPerMinute <= 0) return;
  const cookieName = options.cookieName;
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.apiRequestsPerMinute,
    timeWindow: 60_000,
    // Only the API: static files are cheap and come in bursts.
    allowList: (request: FastifyRequest) => !request.url.startsWith('/api/'),
    keyGenerator: (request: FastifyRequest) => {
      const bearer = bearerOf(request);
      if (bearer) return `token:${digest(bearer)}`;
      const session = request.cookies?.[cookieName];
      if (session) return `session:${digest(session)}`;
      return `address:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError('request.rate_limited', `Too many requests: at most ${context.max} a minute; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    },
  });
}
