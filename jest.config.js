/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
  },
];

// PGlite's CommonJS build loads its WebAssembly parts with dynamic import(), which
// jest's module runtime only allows once they are compiled to require().
const swcCjs = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: false } },
];

module.exports = {
  testEnvironment: 'node',
  // End-to-end tests spawn real processes and servers; domain tests finish in milliseconds anyway.
  testTimeout: 120_000,
  // Builds dist/ from the sources under test and asks once whether Docker answers (see the file).
  globalSetup: '<rootDir>/test/global-setup.ts',
  transform: { '^.+\\.ts$': swc, '/node_modules/@electric-sql/pglite/dist/.+\\.c?js$': swcCjs },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@smartme/domain$': '<rootDir>/libs/domain/src',
    '^@smartme/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@smartme/(ports|adapters|application)$': '<rootDir>/libs/$1/src',
    '^@smartme/adapters/(.*)$': '<rootDir>/libs/adapters/src/$1',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
