// Type-aware lint in the spirit of immich (typescript-eslint with the typed rules) and fastify/demo (lint in CI);
// formatting is prettier's (.prettierrc.json, 120 columns), and @stylistic/max-len holds the strings and comments
// prettier cannot wrap to the same 120 columns.
import stylistic from '@stylistic/eslint-plugin'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'openapi/', 'coverage/', '.tap/', '.ci/', 'data/', 'dist/'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'db/**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
      // tap queues a subtest when `t.test()` is called and awaits it itself, so its promise needs no `await`
      // (tap's docs call subtests without one); every other promise, tap's `t.rejects()` included, must be handled.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [{ from: 'package', package: '@tapjs/test', name: ['test', 'todo', 'skip', 'only'] }]
        }
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off'
    }
  },
  {
    // SQL only in repositories (architecture rule 3): a module's or view's other files build no query. The import
    // rules of .dependency-cruiser.cjs catch values imported from kysely; this catches a query built on a `db`.
    files: ['src/modules/**/*.ts', 'src/views/**/*.ts', 'src/web/**/*.ts'],
    ignores: ['src/**/*.repository.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|with)$/]",
          message: 'Queries belong in a *.repository.ts: call a repository function instead.'
        }
      ]
    }
  }
)
