/**
 * What a cold start loads, per function, bundled with serverless.yml's own esbuild options: only the
 * entry chunk and what it imports statically. AWS clients and the local workflow interpreter must stay
 * in lazily loaded chunks, or every cold start pays for them (bench/cold-start.mjs measures the time;
 * this checks the cause, which does not depend on the machine's load).
 */
import { build, type Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
// CloudFormation tags (!Ref, !GetAtt) mean nothing here: only the build options are read.
const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as {
  custom: { esbuild: Record<string, unknown> };
  functions: Record<string, { handler: string }>;
};
const {
  define: _define,
  exclude: _exclude,
  packager: _packager,
  outputFileExtension,
  ...options
} = config.custom.esbuild;

function staticInputs(metafile: Metafile, entry: string): { bytes: number; inputs: string[] } {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !metafile.outputs[path]) return;
    seen.add(path);
    for (const i of metafile.outputs[path]!.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return {
    bytes: [...seen].reduce((sum, p) => sum + metafile.outputs[p]!.bytes, 0),
    inputs: [...seen].flatMap((p) => Object.keys(metafile.outputs[p]!.inputs)),
  };
}

it('keeps names while minifying: logs, stack traces and errorType name classes as written', () => {
  expect(options).toMatchObject({ minify: true, keepNames: true });
});

describe.each(Object.entries(config.functions))('%s', (name, fn) => {
  it('loads no AWS client, no workflow interpreter and no YAML parser at cold start', async () => {
    const entry = join(ROOT, `${fn.handler.replace(/\.handler$/, '')}.ts`);
    const outdir = mkdtempSync(join(tmpdir(), 'bundle-'));
    const { metafile } = await build({
      ...(options as object),
      entryPoints: [entry],
      outdir,
      outExtension: { '.js': String(outputFileExtension) },
      define: { 'process.env.AUTOPILOT_POLICY_JSON': JSON.stringify('{"version":1}') },
      metafile: true,
      logLevel: 'silent',
    });
    const out = Object.keys(metafile.outputs).find(
      (k) =>
        k.endsWith(`${String(outputFileExtension)}`) &&
        metafile.outputs[k]!.entryPoint?.endsWith(fn.handler.replace(/\.handler$/, '.ts')),
    )!;
    const loaded = staticInputs(metafile, out);
    const heavy = loaded.inputs.filter((i) =>
      /node_modules\/(@aws-sdk\/client-|aws-local-stepfunctions|yaml\/|zod\/v4\/classic)/.test(i),
    );
    expect(heavy).toEqual([]);
    // zod/mini (~32 KB), middy, Powertools Logger and Metrics (~36 KB with their commons) and the
    // product's own code: about 220 KB today. The time it costs is bench/cold-start.mjs's to measure.
    expect(loaded.bytes).toBeLessThan(260 * 1024);
    void name;
  });
});
