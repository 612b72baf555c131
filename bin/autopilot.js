#!/usr/bin/env node
// The `autopilot` command. In a source checkout the bundle is rebuilt when any source is newer than it,
// so the command always runs the code you see.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(join(root, 'lib'))) return false;
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  return ['lib', 'functions'].some((d) => existsSync(join(root, d)) && newestSource(join(root, d)) > built);
}

async function main() {
  if (stale()) {
    const { pathToFileURL } = require('node:url');
    const { buildCli } = await import(pathToFileURL(join(root, 'scripts', 'build-cli.mjs')).href);
    buildCli();
  }
  require(bundle);
}

main().catch((error) => {
  console.error(`autopilot: ${error.message}`);
  process.exitCode = 1;
});
