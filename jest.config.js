// One jest run over every workspace: each subgraph, the kernel, the gateway and the CLI is a project.
const fs = require('node:fs');
const path = require('node:path');

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

function project(dir) {
  return {
    displayName: path.relative(__dirname, dir),
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': swc },
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    testTimeout: 60_000,
  };
}

const dirs = [
  ...['shared', 'subgraphs'].flatMap((top) =>
    fs.existsSync(path.join(__dirname, top)) ? fs.readdirSync(path.join(__dirname, top)).map((d) => path.join(__dirname, top, d)) : [],
  ),
  path.join(__dirname, 'supergraph'),
  path.join(__dirname, 'cli'),
].filter((d) => fs.existsSync(path.join(d, 'test')));

module.exports = {
  projects: dirs.map(project),
  // Two cores: more workers than that only thrash against PostgreSQL and NATS.
  maxWorkers: 2,
  testTimeout: 60_000,
};
