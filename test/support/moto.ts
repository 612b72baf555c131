/**
 * For integration test files: this worker's moto endpoint, reset before the file runs, and the
 * environment the SDK and the product read (region, dummy credentials, endpoint, fail-fast retries).
 */
import { resetMoto } from '../../lib/local/moto';

export const REGION = 'us-east-1';

export function motoEndpoint(): string {
  const endpoints = (process.env.MOTO_ENDPOINTS ?? '').split(',').filter(Boolean);
  if (endpoints.length === 0)
    throw new Error(
      'MOTO_ENDPOINTS is not set: run integration tests through jest (global setup starts moto)',
    );
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  return endpoints[(worker - 1) % endpoints.length]!;
}

/** The environment a process (or this one) needs to use moto like AWS. */
export function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    // moto answers unimplemented calls with HTTP 500; retrying those only makes tests slow.
    AWS_MAX_ATTEMPTS: '1',
  };
}

/** Resets this worker's moto and points this process at it; call in `beforeAll`. */
export async function useMoto(): Promise<string> {
  const endpoint = motoEndpoint();
  await resetMoto(endpoint);
  Object.assign(process.env, awsEnv(endpoint));
  for (const key of [
    'AUTOPILOT_STATE_TABLE',
    'AUTOPILOT_ALARM_TOPIC_ARN',
    'AUTOPILOT_NOTIFY_TOPIC_ARN',
    'AUTOPILOT_CONFIG',
    'AWS_PROFILE',
  ]) {
    delete process.env[key];
  }
  return endpoint;
}
