// Cold start of each Lambda function: process wall time to load its bundle, and to load it and construct
// the AWS clients of its main path, beside bare `node`. Bundles are built with the options serverless.yml
// gives serverless-esbuild. Runs are interleaved (so machine noise hits every variant alike) and the
// median is reported.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The clients each function constructs on its main path (an alarm that changes capacity, a reconcile). */
export const FUNCTIONS = {
  'on-event': { entry: 'functions/on-event.ts', clients: ['autoScaling', 'dynamoDb', 'sns'] },
  reconcile: { entry: 'functions/reconcile.ts', clients: ['cloudWatch', 'autoScaling', 'dynamoDb', 'sns'] },
  'resize-task': { entry: 'functions/resize-task.ts', clients: ['ec2', 'dynamoDb', 'sns'] },
  'refresh-task': { entry: 'functions/refresh-task.ts', clients: ['ec2', 'autoScaling', 'dynamoDb', 'sns'] },
  cleanup: {
    entry: 'functions/cleanup.ts',
    clients: ['ec2', 'autoScaling', 'cloudWatch', 'sns', 'dynamoDb'],
  },
};

const ESBUILD = {
  bundle: true,
  minify: true,
  keepNames: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'error',
};

/** Bytes a cold start reads: the entry chunk and every chunk it imports statically (not the lazy ones). */
function loadedBytes(metafile, entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path) || !metafile.outputs[path]) return;
    seen.add(path);
    for (const i of metafile.outputs[path].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return [...seen].reduce((sum, p) => sum + metafile.outputs[p].bytes, 0);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function wallMs(args) {
  const start = process.hrtime.bigint();
  const out = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_REGION: 'us-east-1' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (out.status !== 0) throw new Error(`${args.join(' ')} failed: ${out.stderr}`);
  return ms;
}

export async function coldStart({ root, runs = 15, print = console.log }) {
  // As serverless.yml does: the policy inlined, so no YAML parser loads at cold start.
  const policy = parse(readFileSync(join(root, 'autopilot.yml'), 'utf8'));
  const options = {
    ...ESBUILD,
    define: { 'process.env.AUTOPILOT_POLICY_JSON': JSON.stringify(JSON.stringify(policy)) },
  };
  const dir = join(root, '.bench', 'cold-start');
  mkdirSync(dir, { recursive: true });
  const variants = [{ name: 'bare node', args: ['-e', '0'] }];
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const out = join(dir, name);
    const { metafile } = await build({
      ...options,
      entryPoints: [join(root, fn.entry)],
      outdir: out,
      metafile: true,
    });
    const bundle = join(out, `${name}.mjs`);
    const entryOutput = Object.keys(metafile.outputs).find((k) => k.endsWith(`/${name}.mjs`));
    // Same bundle options, plus the few lines that construct the main path's clients after loading.
    const driver = join(dir, `${name}-clients.ts`);
    writeFileSync(
      driver,
      `import ${JSON.stringify(join(root, fn.entry))};\n` +
        `import { AwsClients } from ${JSON.stringify(join(root, 'lib/aws/clients'))};\n` +
        `const aws = new AwsClients({ region: 'us-east-1' });\n` +
        `void Promise.all([${fn.clients.map((c) => `aws.${c}()`).join(', ')}]);\n`,
    );
    await build({ ...options, entryPoints: [driver], outdir: join(dir, `${name}-clients`) });
    const withClients = join(dir, `${name}-clients`, `${name}-clients.mjs`);
    variants.push({ name: `${name}: load`, args: [bundle], bytes: loadedBytes(metafile, entryOutput) });
    variants.push({ name: `${name}: load + ${fn.clients.join(', ')} clients`, args: [withClients] });
  }
  const times = new Map(variants.map((v) => [v.name, []]));
  for (const v of variants) wallMs(v.args); // warm the file cache
  for (let i = 0; i < runs; i++) for (const v of variants) times.get(v.name).push(wallMs(v.args));
  const bare = median(times.get('bare node'));
  print(`Cold start (Node ${process.version}, median of ${runs} runs, process wall time)`);
  const rows = variants.map((v) => {
    const ms = median(times.get(v.name));
    return {
      variant: v.name,
      ms: Math.round(ms),
      ratio: Math.round((ms / bare) * 100) / 100,
      bundleKb: v.bytes ? Math.round(v.bytes / 1024) : undefined,
    };
  });
  for (const r of rows)
    print(
      `  ${r.variant.padEnd(60)} ${String(r.ms).padStart(5)} ms  ${r.ratio.toFixed(2)}× bare${r.bundleKb ? `  (${r.bundleKb} KB of code loaded)` : ''}`,
    );
  return rows;
}
