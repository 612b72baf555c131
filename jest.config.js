/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
];

const project = (displayName, extra = {}) => ({
  displayName,
  testEnvironment: 'node',
  // middy is published as ES modules only: transpile it like our own sources.
  transform: { '^.+\\.(ts|js)$': swc },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  // ...and its package.json only answers the "import" condition, which Jest's CommonJS resolver skips.
  moduleNameMapper: { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  testMatch: [`<rootDir>/test/${displayName}/**/*.test.ts`],
  ...extra,
});

module.exports = {
  projects: [
    project('unit'),
    project('integration', {
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    }),
  ],
  maxWorkers: 2,
  testTimeout: 60000,
};
