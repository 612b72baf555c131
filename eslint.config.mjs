import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.serverless/', '.esbuild/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // lib/ is bundled into the Lambda functions. Classic zod's chained methods cannot be tree-shaken:
    // one value import puts all of zod (~90 KB minified, against ~26 KB with zod/mini) in each bundle
    // and lengthens every cold start. Type imports are refused too, so that lib/ has one zod API.
    // Tests are not bundled and may use classic zod.
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['zod', 'zod/v4', 'zod/v3'].map((name) => ({
            name,
            message:
              "Use `import * as z from 'zod/mini'` in lib/: classic zod cannot be tree-shaken and puts ~90 KB of zod in each Lambda bundle (zod/mini: ~26 KB), slowing its cold start.",
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^zod(\\/v[34])?$/]',
          message:
            "Use `import('zod/mini')` in lib/: classic zod cannot be tree-shaken and puts ~90 KB of zod in each Lambda bundle (zod/mini: ~26 KB), slowing its cold start.",
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
