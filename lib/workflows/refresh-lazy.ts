/**
 * The refreshes port, with the workflow's adapters loaded on first use: the commands and functions that
 * never refresh an image do not load them.
 */
import type { RefreshesPort } from '../actions/ports';
import type { Runtime } from '../app/runtime';

export function lazyRefreshStarter(rt: Runtime, env: NodeJS.ProcessEnv = process.env): RefreshesPort {
  return {
    async start(input) {
      const { refreshStarterFromEnv } = await import('./refresh-starter');
      return refreshStarterFromEnv(rt, env).start(input);
    },
  };
}
