/**
 * Integration tests talk to moto through the real SDK clients. One moto server per Jest worker, so that
 * a test file can reset its server's state without disturbing a file running in parallel. The CLI
 * bundle is built once, so tests that run `autopilot` as a process run the current sources.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startMoto } from '../../lib/local/moto';

export default async function globalSetup(config: { maxWorkers: number }): Promise<void> {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  const count = Math.max(1, config.maxWorkers);
  const servers = await Promise.all(Array.from({ length: count }, () => startMoto()));
  process.env.MOTO_ENDPOINTS = servers.map((s) => s.endpoint).join(',');
  (globalThis as { __motoServers?: typeof servers }).__motoServers = servers;
}
