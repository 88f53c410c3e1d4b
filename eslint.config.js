// ESLint: rules that catch real bugs (promises nobody awaits, promises where a callback is
// expected, import cycles), and the boundary that keeps test support out of production code.
// Style is Prettier's job, so no formatting rules here.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts'];
const TEST_FILES = ['**/*.test.ts', '**/test-support/**', 'tests/**', 'load/**'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/build/**', '**/dist/**', '**/.svelte-kit/**', 'coverage/**'] },
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['hub', 'bots', 'web', 'tests', 'load'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A variable a closure reads before its one assignment (wiring order) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Production code never imports test support (the fixtures, fake clocks and hub starters).
    files: ['hub/src/**/*.ts', 'bots/src/**/*.ts', 'web/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/test-support/**', '**/test-support'], message: 'test support is for tests only' },
            { group: ['@fengqiao/hub/test-support'], message: 'test support is for tests only' },
          ],
        },
      ],
    },
  },
  {
    files: TEST_FILES,
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...svelte.configs['flat/recommended'].map((c) => ({ ...c, files: ['web/**/*.svelte', 'web/**/*.svelte.ts'] })),
  {
    // Svelte components and rune modules: the Svelte parser, with TypeScript inside.
    files: ['web/**/*.svelte', 'web/**/*.svelte.ts'],
    languageOptions: {
      parser: svelteParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], projectService: true },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The client is served at the origin's root (no `paths.base`), so `resolve()` around every
    // link and goto would change nothing.
    files: ['web/**/*.svelte', 'web/**/*.svelte.ts'],
    // Bookkeeping collections (timers, listeners, pending ids, request parameters) are plain on
    // purpose; state the page renders is a SvelteMap or $state, chosen where it is declared.
    rules: { 'svelte/no-navigation-without-resolve': 'off', 'svelte/prefer-svelte-reactivity': 'off' },
  },
);
