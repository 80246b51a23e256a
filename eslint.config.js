// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_PROTOCOL = {
  regex: '^(fs|http|https|crypto|path|url|os|net|tls|child_process|events|stream|util|timers)(/.*)?$',
  message: 'Use the node: protocol.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'emulators/dist/**',
      '.base/**',
      'node_modules/**',
      'test/generated/**',
      'examples/web/src/gql/**',
      'examples/web/dist/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [NODE_PROTOCOL] }],
    },
  },
  {
    // The gateway loads the emulators only in the embedded mode (src/server/run-gateway.ts, by a name
    // the compiler does not follow), so that its build and a production install do without them.
    files: ['src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_PROTOCOL,
            {
              regex: '^@shared-profile-gateway/emulators',
              message:
                'The gateway does not depend on the emulators (see EmbeddedEmulators in run-gateway.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // The emulators stand alone: they play Entra ID and Graph, and import nothing of the gateway.
    files: ['emulators/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_PROTOCOL,
            { regex: '^\\.\\./', message: 'The emulators import nothing outside emulators/src.' },
          ],
        },
      ],
    },
  },
);
