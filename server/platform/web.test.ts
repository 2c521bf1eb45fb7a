import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWebApp } from './web';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-web-'));
const app = Fastify();

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  await serveWebApp(app, dir);
});
afterAll(async () => {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it('serves deep links with index.html, uncached', async () => {
    const res = await app.inject('/tickets/123?x=1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="root"');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('caches hashed assets for a year', async () => {
    const res = await app.inject('/assets/app-abc123.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('sends the build\'s pre-compressed file when the browser accepts it, long-cached, else the plain one', async () => {
    const source = `console.log(${'"x",'.repeat(500)})`;
    fs.writeFileSync(path.join(dir, 'assets', 'big-777aaa.js'), source);
    fs.writeFileSync(path.join(dir, 'assets', 'big-777aaa.js.br'), zlib.brotliCompressSync(source));
    const br = await app.inject({ url: '/assets/big-777aaa.js', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toContain('javascript');
    expect(br.headers['cache-control']).toContain('immutable');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(source);
    const plain = await app.inject({ url: '/assets/big-777aaa.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(source);
  });

  it('serves files added after start (a rebuild) and 404s missing files instead of index.html', async () => {
    fs.writeFileSync(path.join(dir, 'assets', 'new-def456.js'), 'console.log(2)');
    expect((await app.inject('/assets/new-def456.js')).statusCode).toBe(200);
    const missing = await app.inject('/assets/gone-000.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('id="root"');
    expect((await app.inject('/favicon.ico')).statusCode).toBe(404);
  });
});
