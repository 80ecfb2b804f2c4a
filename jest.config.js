// One jest run for the whole workspace: unit specs (*.spec.ts) and integration specs (*.int-spec.ts)
// that talk to the real NATS, PostgreSQL and Redis started by scripts/infra.sh.
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

const shared = {
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
    // content-disposition 3 (used by @fastify/static for /docs) ships ES modules only.
    '/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleNameMapper: {
    '^@switchboard/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@switchboard/platform$': '<rootDir>/libs/platform/src/index.ts',
    '^@switchboard/testing$': '<rootDir>/libs/testing/src/index.ts',
    '^@switchboard/cluster$': '<rootDir>/tools/cluster/src/index.ts',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.local', '<rootDir>/tmp'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,apps,scripts,tools,test}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,apps,scripts,tools,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.js',
      testTimeout: 60_000,
    },
  ],
};
