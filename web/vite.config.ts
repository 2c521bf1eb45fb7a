/**
 * Vite build and dev server for the web UI. Root is web/, output web/dist (served by the Fastify
 * app at /). In development `npm run dev:web` proxies /api to the server (FUWUTAI_API_URL or
 * http://localhost:3100).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: webDir,
  plugins: [react()],
  build: {
    outDir: path.join(webDir, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
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
