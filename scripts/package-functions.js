#!/usr/bin/env node
// Builds the folder (and zip) that Azure Functions deploys (zip deploy / `func azure functionapp publish --no-build`):
//   .dist/functions/
//     host.json, package.json (main: dist/index.js; the third-party dependencies of the app and its workspaces)
//     dist/                      the compiled Functions app
//     node_modules/@shop/<pkg>/  the workspaces it uses, as real folders (package.json + dist): they are not on npm,
//                                so a remote build could not fetch them
//     node_modules/...           third-party production dependencies (npm install --omit=dev), unless --skip-install
//   .dist/functions.zip
// Run `npm run build` first.   node scripts/package-functions.js [--skip-install] [--out <dir>]
'use strict';
const { execFileSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { runtimeClosure, workspaces } = require('./assemble-runtime');

const root = resolve(__dirname, '..');
const appFolder = 'functions';

function packageFunctions({ outDir = join(root, '.dist', 'functions'), install = true, zip = true } = {}) {
  const byName = workspaces();
  const closure = runtimeClosure(appFolder, byName);
  const manifest = (folder) => JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  if (!existsSync(join(root, appFolder, 'dist', 'index.js'))) throw new Error('functions/dist is missing: run npm run build first');

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const skipTests = (path) => !/\.(spec|test)\.(js|d\.ts)(\.map)?$/.test(path) && !path.endsWith('.tsbuildinfo');
  cpSync(join(root, appFolder, 'dist'), join(outDir, 'dist'), { recursive: true, filter: skipTests });
  cpSync(join(root, appFolder, 'host.json'), join(outDir, 'host.json'));

  const thirdParty = {};
  for (const folder of closure) {
    for (const [dependency, version] of Object.entries(manifest(folder).dependencies ?? {})) if (!byName.has(dependency)) thirdParty[dependency] = version;
  }
  const app = manifest(appFolder);
  const sortedDependencies = Object.fromEntries(Object.entries(thirdParty).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify({ name: app.name, version: app.version, private: true, main: 'dist/index.js', engines: { node: '>=20' }, dependencies: sortedDependencies }, null, 2)}\n`,
  );
  if (install) execFileSync('npm', ['install', '--omit=dev', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: outDir, stdio: 'inherit' });
  // After the install: npm prunes folders of node_modules that no dependency names, and the workspaces are not on npm.
  for (const folder of closure) {
    if (folder === appFolder) continue;
    const target = join(outDir, 'node_modules', manifest(folder).name);
    mkdirSync(target, { recursive: true });
    cpSync(join(root, folder, 'package.json'), join(target, 'package.json'));
    cpSync(join(root, folder, 'dist'), join(target, 'dist'), { recursive: true, filter: skipTests });
    if (existsSync(join(root, folder, 'migrations'))) cpSync(join(root, folder, 'migrations'), join(target, 'migrations'), { recursive: true });
  }
  let zipFile;
  if (zip) {
    const AdmZip = require('adm-zip');
    const archive = new AdmZip();
    archive.addLocalFolder(outDir);
    zipFile = `${outDir}.zip`;
    archive.writeZip(zipFile);
  }
  return { outDir, zipFile, workspaces: closure.filter((folder) => folder !== appFolder), dependencies: sortedDependencies };
}

module.exports = { packageFunctions };

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const result = packageFunctions({ install: !args.includes('--skip-install'), outDir: outIndex >= 0 ? resolve(args[outIndex + 1]) : undefined });
  process.stdout.write(`packaged the Functions app into ${result.outDir}${result.zipFile ? ` and ${result.zipFile}` : ''} (workspaces: ${result.workspaces.join(', ')})\n`);
}
