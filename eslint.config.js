// @ts-check
/**
 * One lint config for the whole repository (ESLint flat config).
 *
 * - TypeScript: typescript-eslint `recommendedTypeChecked` (type-aware, through the TypeScript project
 *   service, so each file is checked with the tsconfig that includes it), tuned below where a rule is
 *   noise for this codebase; every relaxed rule says why.
 * - Renderer: eslint-plugin-react-hooks and browser globals. Everything else runs on Node.
 * - Import boundaries (docs/architecture.md, "Layers of main"): kernel ← domain ← {store, http,
 *   providers} ← payments ← console ← {electron, web}; payments never sees a provider, providers
 *   never see payments, and the renderer never imports src/main. Enforced with
 *   `@typescript-eslint/no-restricted-imports` (it also sees `import type`), one rule object per layer;
 *   test/lint/boundaries.test.ts keeps the rule from vanishing silently.
 * - eslint-config-prettier last: formatting is prettier's job (`prettier --check .`).
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const TS = ['**/*.{ts,tsx,mts,cts}'];
const JS = ['**/*.{js,mjs,cjs}'];

/** A regex that matches an import specifier having one of these path segments (a relative path into web/, or the bare `electron`). */
const segment = (/** @type {string[]} */ names) => `(^|/)(${names.join('|')})(\\.[cm]?[jt]sx?)?(/|$)`;

/** A regex that matches a relative import reaching up one or more folders into one of these folders. */
const up = (/** @type {string[]} */ names) => `^(\\.\\./)+(${names.join('|')})(\\.[cm]?[jt]sx?)?(/|$)`;

/**
 * The boundary rule for one layer: `forbidden` lists regexes over the import specifier, each with the
 * message shown in the build. Bare `paths` are exact package names (node builtins for the renderer).
 */
const boundary = (/** @type {{ regex: string, message: string }[]} */ patterns, /** @type {{ name: string, message: string }[]} */ paths = []) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
});

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'coverage/**', 'node_modules/**', 'test-results/**', 'bench/results.json', '.vite/**', '.paydesk/**', '.emulator-state/**'],
  },
  js.configs.recommended,

  // ---- TypeScript, type-aware ----
  {
    files: TS,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused names are errors, except the `_`-prefixed ones kept on purpose (callback signatures, rest omits).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Async handlers passed to Node/Electron/React callbacks (ipcMain.handle, server.on, onClick) are the
      // norm here; a returned promise there is fine. Misused promises in conditions and spreads stay errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // Numbers and booleans in messages and log lines (amounts in fen, counts, ports) are intended.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `async` without `await` is how fakes, emulators and handlers implement Promise-returning ports here
      // (a throw becomes a rejection, as callers expect); flagging each one is noise.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // ---- Tests ----
  {
    files: ['test/**'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.stringMatching, …) are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // `expect(obj.method).toHaveBeenCalled…()` and `vi.fn(obj.method)` reference methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  // ---- Plain JS (this file, scripts/*.mjs and its .d.mts): no tsconfig covers them, so no type-aware rules ----
  {
    files: [...JS, 'scripts/**/*.d.mts'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  // ---- Environments ----
  {
    files: ['src/main/**', 'src/emulator/**', 'src/preload/**', 'scripts/**', 'bench/**', 'test/**', '*.{js,ts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/renderer/**', 'test/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // The plugin's React Compiler rules (refs, purity, set-state-in-effect, …) are left out: the renderer
      // is not compiled by the React Compiler, and its latest-value refs and effect-driven loads are intended.
    },
  },

  // ---- Import boundaries ----
  {
    // kernel imports nothing of ours: its files sit flat in src/main/kernel, so any `../` leaves it.
    files: ['src/main/kernel/**/*.ts'],
    rules: boundary([{ regex: '^\\.\\./', message: 'kernel imports nothing of ours (kernel ← domain ← payments).' }]),
  },
  {
    // domain imports only kernel.
    files: ['src/main/domain/**/*.ts'],
    rules: boundary([{ regex: '^\\.\\./(?!kernel(/|$))', message: 'domain imports only kernel (kernel ← domain ← payments).' }]),
  },
  {
    // store and http are infrastructure below payments: they know orders and notifications, not payments.
    files: ['src/main/store/**/*.ts', 'src/main/http/**/*.ts'],
    rules: boundary([
      { regex: '^\\.\\./(?!(kernel|domain)(/|$))', message: 'store and http import only kernel and domain (payments builds on them, not the other way).' },
    ]),
  },
  {
    files: ['src/main/payments/**/*.ts'],
    rules: boundary([
      {
        regex: `${up(['providers', 'console', 'console-host', 'web', 'notify', 'tunnel', 'keys', 'vault'])}|${segment(['electron'])}`,
        message:
          'payments is provider-neutral: it imports kernel, domain, store and http only — never providers, console, electron, web, tunnel, keys or vault (they import payments).',
      },
    ]),
  },
  {
    // A provider adapter is a leaf: the domain port, the kernel and shared money helpers.
    files: ['src/main/providers/**/*.ts'],
    rules: boundary([
      {
        regex: `${up(['payments', 'store', 'http', 'console', 'console-host', 'web', 'tunnel', 'keys', 'vault'])}|${segment(['electron'])}`,
        message: 'providers import only kernel, domain and shared: never payments, store, http, console, electron, web, tunnel, keys or vault.',
      },
    ]),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: boundary(
      [
        {
          regex: segment(['main', 'preload']),
          message: 'The renderer never imports src/main or src/preload: it talks through window.paydesk (src/shared/contract.ts).',
        },
        { regex: '^node:', message: 'The renderer runs in a sandboxed browser page: no Node builtins.' },
      ],
      [
        { name: 'electron', message: 'The renderer runs in a sandboxed browser page: no electron.' },
        ...nodeBuiltins.map((name) => ({
          name,
          message: 'The renderer runs in a sandboxed browser page: no Node builtins.',
        })),
      ],
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: boundary([{ regex: segment(['main', 'renderer', 'preload']), message: 'src/shared is imported by main and renderer; it imports neither.' }]),
  },

  prettier,
);
