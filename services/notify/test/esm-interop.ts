import { readFileSync } from 'node:fs';

/**
 * `content-disposition` 3 (pulled in by @fastify/static for the OpenAPI UI) is an ES module, which jest's
 * CommonJS loader cannot require on Node 20. Compile it to CommonJS with swc on load so the app boots
 * under jest as it does in production.
 */
jest.mock('content-disposition', () => {
   
  const { transformSync } = require('@swc/core') as typeof import('@swc/core');
  const path = require.resolve('content-disposition');
  const compiled = transformSync(readFileSync(path, 'utf8'), { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }).code;
  const loaded = { exports: {} as unknown };
   
  new Function('module', 'exports', 'require', compiled)(loaded, loaded.exports, require);
  return loaded.exports;
});

import './fastify-not-found';
