/**
 * Vite build and dev server for the web UI. Root is web/, output web/dist (served by the Fastify
 * app at /). In development `npm run dev:web` proxies /api to the server (FUWUTAI_API_URL or
 * http://localhost:3100).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * Writes `.br` (quality 11) and `.gz` (level 9) next to every hashed asset worth compressing, so the
 * server sends them as they are (@fastify/static `preCompressed`) instead of compressing each
 * response on the fly at a low level: smaller first load, no CPU per request.
 */
function precompress(): Plugin {
  const brotli = promisify(zlib.brotliCompress);
  const gzip = promisify(zlib.gzip);
  return {
    name: 'fuwutai-precompress',
    apply: 'build',
    async writeBundle(options) {
      const assets = path.join(options.dir ?? path.join(webDir, 'dist'), 'assets');
      const files = (await fs.readdir(assets)).filter((name) => /\.(js|css|svg|json)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const file = path.join(assets, name);
          const content = await fs.readFile(file);
          if (content.length < 1024) return;
          const [br, gz] = await Promise.all([
            brotli(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
            gzip(content, { level: 9 }),
          ]);
          await Promise.all([fs.writeFile(`${file}.br`, br), fs.writeFile(`${file}.gz`, gz)]);
        }),
      );
    },
  };
}

export default defineConfig({
  root: webDir,
  plugins: [react(), precompress()],
  build: {
    outDir: path.join(webDir, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // antd's component libraries (@rc-component/*, @ant-design/*) are side-effect free but do not
      // say so in their package.json: without this, importing one export of a package index (antd's
      // Input takes FormProvider from @rc-component/form) keeps the whole package (the form engine
      // and its validator) in the first load.
      treeshake: { moduleSideEffects: (id: string) => !/node_modules[\\/]@(rc-component|ant-design)[\\/](?!cssinjs)/.test(id) || /\.css$/.test(id) },
      output: {
        // Framework code changes rarely; a separate chunk stays cached across releases.
        codeSplitting: {
          groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 20 }],
        },
      },
    },
  },
  server: {
    port: Number(process.env.FUWUTAI_WEB_PORT ?? 5173),
    proxy: { '/api': { target: process.env.FUWUTAI_API_URL ?? 'http://localhost:3100', changeOrigin: false } },
  },
});
