/**
 * The optional HTTP health check of a resized or replacement instance: one GET, a status to expect.
 * The workflow polls it until it passes or the check's time is up (never sleeping inside a step).
 */
import type { InstanceFacts } from '../model/instance';
import type { HealthCheck } from '../model/resize-state';

export type HealthProbe = (url: string, timeoutMs: number) => Promise<number | undefined>;

/** Status code of a GET, or undefined when nothing answered in time. */
export const httpProbe: HealthProbe = async (url, timeoutMs) => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    return res.status;
  } catch {
    return undefined;
  }
};

export function healthUrl(check: HealthCheck, instance: InstanceFacts): string | undefined {
  const host =
    check.host === 'private-ip'
      ? instance.privateIp
      : check.host === 'public-ip'
        ? instance.publicIp
        : check.host;
  if (!host) return undefined;
  return `http://${host}:${check.port}${check.path.startsWith('/') ? check.path : `/${check.path}`}`;
}
