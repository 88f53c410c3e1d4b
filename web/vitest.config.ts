import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';

/**
 * The web's unit tests (a project of the root vitest config). Svelte's plugin compiles runes
 * stores (`*.svelte.ts`), so tests can drive them as the pages do.
 */
export default defineProject({
  plugins: [svelte()],
  test: {
    name: 'web',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
