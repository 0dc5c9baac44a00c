// Jest runs every workspace's unit specs (src/**/*.spec.ts) and component tests (test/**/*.test.ts).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/functions', '<rootDir>/test'],
  testMatch: ['**/src/**/*.spec.ts', '**/test/**/*.test.ts', '**/apps/storefront/test/**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // One compile setting for every file, JSX included (tsc type-checks each workspace with its own settings first; two
  // ts-jest configurations in one run got mixed up between workers). The web app's component tests opt into jsdom
  // with a docblock.
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: {
    '\\.css$': '<rootDir>/test/stubs/style-stub.js',
    '^@shop/(auth|catalog|cart|order|gateway|launcher)$': '<rootDir>/apps/$1/src',
    '^@shop/functions$': '<rootDir>/functions/src',
    '^@shop/([^/]+)$': '<rootDir>/packages/$1/src',
  },
  setupFiles: ['<rootDir>/test/stubs/jsdom-globals.js', '<rootDir>/test/stubs/tag-opened-servers.js'],
  reporters: ['default', '<rootDir>/test/reporters/skip-summary-reporter.js', '<rootDir>/test/reporters/open-handles-reporter.js'],
  // A handle a suite leaves open must not hold CI until its time limit: exit once the results are in (the
  // open-handles reporter names what was left, so the leak is still seen and fixed).
  forceExit: true,
  testTimeout: 30000,
};
