import type { Moto } from '../../lib/local/moto';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { __motoServers?: Moto[] }).__motoServers ?? [];
  await Promise.all(servers.map((s) => s.stop()));
}
