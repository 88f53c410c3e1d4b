import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/** Where `vite dev` forwards the hub's routes; the hub serves them itself in production. */
const hubUrl = process.env.HUB_URL ?? 'http://127.0.0.1:3001';

// changeOrigin stays false: the hub compares the browser's Origin with the Host it receives,
// and both must name the dev server for cookie-carrying requests and the socket handshake.

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': { target: hubUrl },
      '/healthz': { target: hubUrl },
      '/readyz': { target: hubUrl },
      '/metrics': { target: hubUrl },
      '/socket.io': { target: hubUrl, ws: true },
    },
  },
});
