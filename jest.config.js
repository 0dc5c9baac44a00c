// Jest runs every workspace's unit specs (src/**/*.spec.ts) and component tests (test/**/*.test.ts).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/functions', '<rootDir>/test'],
  testMatch: ['**/src/**/*.spec.ts', '**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: {
    '^@shop/(auth|catalog|cart|order|gateway|launcher)$': '<rootDir>/apps/$1/src',
    '^@shop/functions$': '<rootDir>/functions/src',
    '^@shop/([^/]+)$': '<rootDir>/packages/$1/src',
  },
  reporters: ['default', '<rootDir>/test/reporters/skip-summary-reporter.js'],
  testTimeout: 30000,
};
