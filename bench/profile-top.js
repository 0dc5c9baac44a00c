// `node bench/profile-top.js <file.cpuprofile>... [--top N] [--callers NAME]`: the functions with the most self time in
// V8 CPU profiles (as `BENCH_PROFILE_DIR=<dir> npm run bench:deploy` writes them, one per service), the same grouped by
// package, the inclusive time of the project's own functions (apps/, packages/), and with --callers the stacks that
// lead to one function (e.g. a native write), so a profile can be read without opening DevTools.
const { readFileSync } = require('node:fs');
const { relative } = require('node:path');

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const [value] = args.splice(index, 2).slice(1);
  return value;
};
const top = Number(option('--top') ?? 25);
const callersOf = option('--callers');
const files = args;
if (files.length === 0) {
  process.stderr.write('usage: node bench/profile-top.js <file.cpuprofile>... [--top N]\n');
  process.exit(2);
}

const root = `${__dirname}/..`;

/** Where a frame's code lives, shortened: a package name for node_modules, a repository path for ours. */
/** A function's file, shortened the same way but keeping the file (of the build: lines are those of dist). */
function fileOf(url) {
  const place = placeOf(url);
  if (!/^(apps|packages)\//.test(place)) return place;
  return relative(root, url.replace(/^file:\/\//, '')).replace('/dist/', '/');
}

function placeOf(url) {
  if (!url) return '(native/V8)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1];
  if (path.startsWith('node:')) return path;
  if (path.startsWith('/')) return relative(root, path).replace(/\/dist\/.*$/, '');
  return path;
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const selfSamples = new Map();
  for (const sample of profile.samples) selfSamples.set(sample, (selfSamples.get(sample) ?? 0) + 1);
  const totalSamples = profile.samples.length;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const byFunction = new Map();
  const byPlace = new Map();
  let idle = 0;
  for (const node of profile.nodes) {
    const samples = selfSamples.get(node.id) ?? 0;
    if (samples === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += samples;
      continue;
    }
    const place = placeOf(url);
    const name = `${functionName || '(anonymous)'} ${fileOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + samples);
    byPlace.set(place, (byPlace.get(place) ?? 0) + samples);
  }
  const busy = totalSamples - idle;
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const keyOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${fileOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  // Inclusive time of our own functions: each sample counts once for every distinct one of them on its stack.
  const inclusive = new Map();
  const callerStacks = new Map();
  for (const sample of profile.samples) {
    const leaf = nodeById.get(sample);
    if (leaf.callFrame.functionName === '(idle)') continue;
    const seen = new Set();
    const ours = [];
    for (let id = sample; id !== undefined; id = parentOf.get(id)) {
      const node = nodeById.get(id);
      const place = placeOf(node.callFrame.url);
      if (!/^(apps|packages)\//.test(place)) continue;
      const key = keyOf(node);
      ours.push(key);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
    }
    if (callersOf && leaf.callFrame.functionName === callersOf) {
      const stack = ours.slice(0, 3).join(' < ') || '(no frame of ours)';
      callerStacks.set(stack, (callerStacks.get(stack) ?? 0) + 1);
    }
  }
  const percent = (samples) => `${((100 * samples) / busy).toFixed(1)}%`.padStart(6);
  process.stdout.write(`\n${file}: ${totalMs.toFixed(0)} ms profiled, ${((100 * busy) / totalSamples).toFixed(0)}% of samples busy; shares of busy time:\n`);
  process.stdout.write('  by function (self):\n');
  for (const [name, samples] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${percent(samples)}  ${name}\n`);
  process.stdout.write('  by package or folder (self):\n');
  for (const [place, samples] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${percent(samples)}  ${place}\n`);
  process.stdout.write('  our functions (apps/, packages/), inclusive:\n');
  for (const [name, samples] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${percent(samples)}  ${name}\n`);
  if (callersOf) {
    process.stdout.write(`  stacks of ours under ${callersOf} (nearest first):\n`);
    for (const [stack, samples] of [...callerStacks].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${percent(samples)}  ${stack}\n`);
  }
}
