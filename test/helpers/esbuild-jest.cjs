// @ts-check
'use strict';
/**
 * Jest's TypeScript transformer (jest.config.js `transform`): esbuild's `transformSync`, one file at a time.
 *
 * Why not ts-jest? Tests only need TypeScript transpiled, never type-checked here (`npm test` runs
 * `tsc --noEmit` for that, and tsconfig's `isolatedModules` keeps every file transpilable on its own).
 * ts-jest loads the TypeScript compiler into every Jest worker and transpiles with it; esbuild does the
 * same job in native code, so a cold cache (a fresh clone's first `npm test`) costs a fraction of it.
 * Measured in the commit that brought this file (see the README's `time npm test`).
 *
 * What it keeps from ts-jest:
 * - tsconfig.json's compiler options (target, class fields, decorators...), read by esbuild itself.
 * - `jest.mock(...)` calls run before the file's imports: ts-jest hoists them, and so does this
 *   transformer, with babel-plugin-jest-hoist (Jest's own, as babel-jest uses it), in files that call them.
 * - Source maps: failures and stack traces point at the TypeScript lines.
 * One difference: esbuild defines a module's exports as getters, as ES modules have them, where tsc
 * assigned them, so `jest.spyOn(someModule, 'fn')` on a project module throws; mock the module with
 * `jest.mock` and pass calls through, as test/shared/lab-function.test.ts does with esbuild.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const TSCONFIG = path.join(__dirname, '..', '..', 'tsconfig.json');
const tsconfigRaw = fs.readFileSync(TSCONFIG, 'utf8');

/** Jest calls that must run before the imports, as babel-plugin-jest-hoist lists them. */
const HOISTED_CALL = /\bjest\s*\.\s*(mock|unmock|enableAutomock|disableAutomock|deepUnmock)\s*\(/;

/** Everything the output depends on besides the file itself: this transformer, esbuild, tsconfig.json. */
const CONFIG_KEY = crypto
  .createHash('sha256')
  .update(fs.readFileSync(__filename))
  .update(esbuild.version)
  .update(tsconfigRaw)
  .update(process.version)
  .digest('hex');

/** @type {import('@jest/transform').SyncTransformer} */
module.exports = {
  canInstrument: false,

  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(CONFIG_KEY).update('\0').update(filename).update('\0').update(source).digest('hex');
  },

  process(source, filename) {
    const result = esbuild.transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      platform: 'node',
      tsconfigRaw,
      sourcefile: filename,
      sourcemap: 'external',
      sourcesContent: false,
    });
    if (!HOISTED_CALL.test(source)) return { code: result.code, map: result.map };
    return hoistJestCalls(result.code, result.map, filename);
  },
};

/**
 * Moves `jest.mock(...)` and its kin above the `require`s esbuild wrote for the file's imports, as
 * babel-jest does (same plugin), keeping the source map pointing at the TypeScript.
 */
function hoistJestCalls(code, map, filename) {
  const babel = require('@babel/core');
  const out = babel.transformSync(code, {
    filename,
    babelrc: false,
    configFile: false,
    compact: false,
    plugins: [require.resolve('babel-plugin-jest-hoist')],
    inputSourceMap: JSON.parse(map),
    sourceMaps: true,
  });
  if (!out || out.code == null) throw new Error(`esbuild-jest: babel returned nothing for ${filename}`);
  return { code: out.code, map: out.map ? JSON.stringify(out.map) : null };
}
