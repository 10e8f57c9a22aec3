#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * cdk.json's "app": runs the CDK app (`bin/course-labs.ts`) as one JavaScript file that esbuild bundles
 * from the TypeScript sources on demand.
 *
 * Why not run the sources through a TypeScript loader (tsx, ts-node)? A loader hooks every module the
 * process loads, the few hundred files of aws-cdk-lib and cdk-nag included, and transpiles the project's
 * files one by one, on every synth; that cost about half a second of CPU per synth here. The bundle is
 * built once per change of the sources, in under 0.2 s, and then loaded like any JavaScript.
 *
 * Never stale: the bundle is reused only while every file it was built from has the same content (a
 * SHA-256 of each), the folders holding them list the same files (a new `lab.ts` beside a `lab/index.ts`
 * changes what an import means), and the build itself (this file, esbuild's version, Node.js's major
 * version, tsconfig.json, the checkout's path) is the same. Anything else rebuilds it before the app
 * runs, so a student who edits a lab and synthesizes again runs the edit. There is no build step to
 * remember: a clean clone builds on its first synth. Type errors are not checked here (neither does
 * tsx): `npm test` runs `tsc --noEmit`.
 *
 * The cache lives in `node_modules/.cache/course-labs/` (removed with node_modules; safe to delete at any
 * time). Each bundle's file name is the hash of its content and is written by rename, so two synths at
 * once never read a half-written file.
 *
 * `__dirname` and `__filename` keep their meaning in the bundled sources (each module's own folder), so
 * paths to Lambda handlers and site content resolve as they do in the sources.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'course-labs');
/** Bundles kept besides the newest, for synths that started just before a rebuild. */
const OLD_BUNDLES_KEPT = 2;

/**
 * @typedef {object} BundleOptions
 * @property {string} root the project folder (where tsconfig.json is)
 * @property {string} entry the entry point, relative to `root`
 * @property {string} cacheDir where bundles and their manifest are kept
 */

/**
 * What a bundle was built from; the bundle is current while all of it still holds.
 * @typedef {object} Manifest
 * @property {string} key hash of how the bundle was built (see `buildKey`)
 * @property {Record<string, string>} files SHA-256 of each source file bundled, by absolute path
 * @property {Record<string, string>} folders SHA-256 of the listing of each folder holding one
 * @property {string} bundle the bundle's file name in the cache folder
 */

/**
 * The path of a bundle of `entry` that is current, building it first if there is none.
 *
 * @param {BundleOptions} options
 * @returns {Promise<{ file: string, built: boolean }>}
 */
async function ensureBundle(options) {
  const { root, entry, cacheDir } = options;
  const esbuild = require('esbuild');
  // Named after the checkout too: a second checkout that shares node_modules (as `labs review` makes for
  // the base) keeps its own bundle rather than rebuilding over this one's on every switch.
  const name = `${path.basename(entry).replace(/\.[cm]?[jt]sx?$/, '')}-${sha256(path.resolve(root, entry)).slice(0, 8)}`;
  const manifestFile = path.join(cacheDir, `${name}.manifest.json`);
  const key = buildKey(root, entry, esbuild.version);

  const cached = readManifest(manifestFile);
  if (cached && cached.key === key && isCurrent(cached)) {
    const file = path.join(cacheDir, cached.bundle);
    if (fs.existsSync(file)) return { file, built: false };
  }

  /** @type {Record<string, string>} */
  const files = {};
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // aws-cdk-lib, cdk-nag, esbuild...: loaded from node_modules at run time, exactly as the sources would.
    packages: 'external',
    sourcemap: 'inline',
    sourcesContent: false,
    // Not written there (write: false), but the source map's paths are relative to it: the cache folder.
    outfile: path.join(cacheDir, `${name}.cjs`),
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [keepModulePaths(files)],
  });

  const code = result.outputFiles[0].contents;
  const bundle = `${name}-${sha256(code).slice(0, 16)}.cjs`;
  writeAtomically(path.join(cacheDir, bundle), code);
  /** @type {Manifest} */
  const manifest = { key, files, folders: folderHashes(Object.keys(files)), bundle };
  writeAtomically(manifestFile, JSON.stringify(manifest, null, 1));
  removeOldBundles(cacheDir, bundle);
  return { file: path.join(cacheDir, bundle), built: true };
}

/**
 * An esbuild plugin that loads the project's sources itself: it records the hash of exactly the text it
 * bundled, and declares `__dirname` and `__filename` as the source file's own at the top of each module
 * (on the first line, after any `#!` line, so line numbers do not move).
 *
 * @param {Record<string, string>} files receives the SHA-256 of each file loaded
 * @returns {import('esbuild').Plugin}
 */
function keepModulePaths(files) {
  /** @type {Record<string, import('esbuild').Loader>} */
  const loaders = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };
  return {
    name: 'course-labs-module-paths',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        files[args.path] = sha256(text);
        const loader = loaders[path.extname(args.path)];
        if (loader === 'json' || loader === undefined) return { contents: text, loader };
        const paths = `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)};`;
        return { contents: text.replace(/^(#!.*\n)?/, (shebang) => shebang + paths), loader };
      });
    },
  };
}

/**
 * Hash of everything besides the sources that decides what the bundle contains.
 * @param {string} root
 * @param {string} entry
 * @param {string} esbuildVersion
 */
function buildKey(root, entry, esbuildVersion) {
  const tsconfig = path.join(root, 'tsconfig.json');
  return sha256(
    JSON.stringify([
      fs.readFileSync(__filename, 'utf8'),
      esbuildVersion,
      process.versions.node.split('.')[0],
      path.resolve(root, entry),
      fs.existsSync(tsconfig) ? fs.readFileSync(tsconfig, 'utf8') : null,
    ]),
  );
}

/** @param {Manifest} manifest */
function isCurrent(manifest) {
  try {
    const folders = folderHashes(Object.keys(manifest.files));
    return (
      Object.entries(manifest.files).every(([file, hash]) => sha256(fs.readFileSync(file)) === hash) &&
      JSON.stringify(folders) === JSON.stringify(manifest.folders)
    );
  } catch {
    return false; // a file or folder is gone
  }
}

/**
 * SHA-256 of the sorted listing of each folder where a new file could change what an import of one of
 * `files` resolves to: the folder holding it, and for an `index` file the folder above (`lib/lab.ts`
 * would win over `lib/lab/index.ts`).
 * @param {string[]} files
 */
function folderHashes(files) {
  const folders = files.flatMap((f) =>
    /^index\.[^.]+$/.test(path.basename(f)) ? [path.dirname(f), path.dirname(path.dirname(f))] : [path.dirname(f)],
  );
  /** @type {Record<string, string>} */
  const ret = {};
  for (const folder of [...new Set(folders)].sort()) {
    ret[folder] = sha256(fs.readdirSync(folder).sort().join('\n'));
  }
  return ret;
}

/**
 * @param {string} file
 * @returns {Manifest | undefined}
 */
function readManifest(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * @param {string} file
 * @param {string | Uint8Array} contents
 */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true }); // not there yet, or deleted since the last write
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/**
 * Deletes the bundles of the same entry but the newest few.
 * @param {string} cacheDir
 * @param {string} current
 */
function removeOldBundles(cacheDir, current) {
  const prefix = current.replace(/-[0-9a-f]{16}\.cjs$/, '-');
  const others = fs
    .readdirSync(cacheDir)
    .filter((f) => f !== current && f.startsWith(prefix) && /-[0-9a-f]{16}\.cjs$/.test(f))
    .map((f) => ({ f, mtime: fs.statSync(path.join(cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { f } of others.slice(OLD_BUNDLES_KEPT)) fs.rmSync(path.join(cacheDir, f), { force: true });
}

/** @param {string | Uint8Array} data */
function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * Bundles `entry` if needed and runs it in this process. A compile error is printed as esbuild reports it
 * (file, line, the code and a caret) with exit status 1, not as a stack trace.
 *
 * @param {BundleOptions} options
 */
async function runBundled(options) {
  let file;
  try {
    ({ file } = await ensureBundle(options));
  } catch (err) {
    const errors = /** @type {{ errors?: import('esbuild').Message[] }} */ (err).errors;
    if (!errors) throw err;
    const esbuild = require('esbuild');
    const report = esbuild.formatMessagesSync(errors, { kind: 'error', color: process.stderr.isTTY });
    process.stderr.write(`${report.join('')}course-labs: ${options.entry} does not compile (${errors.length} error${errors.length === 1 ? '' : 's'} above).\n`);
    process.exitCode = 1;
    return;
  }
  // Stack traces of bugs point into the TypeScript sources: an uncaught error's positions in the bundle
  // are mapped through its inline source map when the error is printed. Not Node's own source-map support
  // (process.setSourceMapsEnabled): that parses the whole map, and checks every module aws-cdk-lib loads
  // for one, on every run, about a tenth of a second of each synth, for the runs that hit a bug.
  process.on('uncaughtException', (err) => {
    process.stderr.write(`${mapStackToSources(err, file)}\n`);
    process.exit(1);
  });
  require(file);
}

/**
 * The stack trace of `err` (or its text, if it is not an Error) with each position in `bundle` replaced
 * by the TypeScript source and line it was built from, as Node prints them with source maps enabled.
 *
 * @param {unknown} err
 * @param {string} bundle the bundle's path
 */
function mapStackToSources(err, bundle) {
  const text = err instanceof Error && err.stack ? err.stack : String(err);
  let map;
  try {
    const code = fs.readFileSync(bundle, 'utf8');
    const url = code.slice(code.lastIndexOf('//# sourceMappingURL=') + '//# sourceMappingURL='.length).trim();
    const payload = JSON.parse(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').toString('utf8'));
    map = new (require('module').SourceMap)(payload);
  } catch {
    return text; // positions in the bundle are still positions
  }
  const at = new RegExp(`${bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`, 'g');
  return text.replace(at, (position, line, column) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !entry.originalSource) return position;
    const source = entry.originalSource.startsWith('file://') ? require('url').fileURLToPath(entry.originalSource) : path.resolve(path.dirname(bundle), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

module.exports = { ensureBundle, runBundled };

if (require.main === module) {
  runBundled({ root: ROOT, entry: 'bin/course-labs.ts', cacheDir: CACHE_DIR }).catch((err) => {
    process.exitCode = 1;
    console.error(err);
  });
}
