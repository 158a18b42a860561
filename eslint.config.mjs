// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The domain must stay pure (DEVELOPERS.md, hexagonal style): no framework, no I/O,
 * no clock, no randomness. These rules make the test run fail when it stops being so.
 */
const domainPurity = {
  files: ['libs/domain/src/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              '@nestjs/*',
              'kafkajs',
              'pg',
              '@electric-sql/*',
              '@eventstore/*',
              'class-validator',
              'pino',
              'prom-client',
            ],
            message: 'the domain is pure: no frameworks or adapters',
          },
          {
            group: [
              'node:*',
              'fs',
              'fs/*',
              'path',
              'os',
              'child_process',
              'net',
              'http',
              'https',
              'crypto',
              'worker_threads',
              'process',
              'timers',
              'dgram',
              'dns',
              'stream',
              'readline',
            ],
            message: 'the domain is pure: no I/O or platform modules',
          },
          {
            group: ['**/apps/**', '@smartme/adapters*', '@smartme/ports*'],
            message: 'the domain depends on nothing outside itself',
          },
        ],
      },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Date', property: 'now', message: 'the domain reads no clock: take the instant as input' },
      { object: 'Math', property: 'random', message: 'the domain is deterministic: no randomness' },
      { object: 'performance', property: 'now', message: 'the domain reads no clock' },
      { object: 'crypto', property: 'randomUUID', message: 'the domain is deterministic: no randomness' },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'process', message: 'the domain reads no environment' },
      { name: 'setTimeout', message: 'the domain has no timers' },
      { name: 'setInterval', message: 'the domain has no timers' },
      { name: 'fetch', message: 'the domain does no I/O' },
      { name: 'require', message: 'the domain imports statically' },
    ],
    'no-restricted-syntax': [
      'error',
      {
        selector: "NewExpression[callee.name='Date'][arguments.length=0]",
        message: 'the domain reads no clock: new Date() without an argument is now',
      },
      { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the clock' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip|todo)$/]',
          message: 'no focused or skipped tests',
        },
        {
          selector: 'CallExpression[callee.name=/^(xit|xdescribe|fit|fdescribe)$/]',
          message: 'no focused or skipped tests',
        },
      ],
    },
  },
  domainPurity,
);
