/**
 * Serves the built single-page app: hashed assets cached for a year, index.html never cached, and
 * every other GET path that names no file answers index.html so deep links work. A path that names
 * a file that does not exist is a real 404 (never index.html, which a browser would try to run as
 * a script). Assets come pre-compressed (brotli 11 / gzip 9) from the build. Files are looked up at request time, so a rebuild is served without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export async function serveWebApp(app: FastifyInstance, webDir: string) {
  const indexFile = path.join(webDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('Fuwutai API is running. The web UI is not built: run `npm run build:web`.'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: true,
    index: false,
    // The build writes .br/.gz next to each hashed asset (web/vite.config.ts); sent as they are
    // when the browser accepts them (@fastify/compress leaves an encoded reply alone).
    preCompressed: true,
    setHeaders(reply, filePath) {
      const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', (_request, reply) => sendIndex(reply));
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0]!;
    const namesAFile = /\.[a-z0-9]{1,8}$/i.test(pathname);
    if (request.method !== 'GET' || pathname.startsWith('/api/') || namesAFile) {
      return reply.status(404).send({ error: { code: 'not_found', key: 'request.no_route', message: `Not found: ${pathname}`, params: { method: request.method, path: pathname } } });
    }
    return sendIndex(reply);
  });
}
