/**
 * The runtime of a deployed function, built once per Lambda container from the environment that
 * serverless.yml sets and the policy. The policy is inlined into the bundle at package time
 * (`AUTOPILOT_POLICY_JSON`, an esbuild `define`, validated by `autopilot validate` before packaging), so
 * a cold start reads no file and loads no YAML parser; without it, the policy file is read.
 */
import { join } from 'node:path';
import { deploymentFromEnv, type Deployment } from '../aws/deployment';
import { AutopilotError } from '../errors';
import { createRuntime, type Runtime } from '../app/runtime';
import type { Policy } from '../policy/policy';
import { validatePolicy } from '../policy/validate';
import { lazyRefreshStarter } from '../workflows/refresh-lazy';
import { failoverStarterFromEnv } from '../workflows/failover-starter';
import { resizeStarterFromEnv } from '../workflows/starter';
import { containerTelemetry } from './observability';

export interface LambdaRuntime {
  rt: Runtime;
  deployment: Deployment;
}

let cached: LambdaRuntime | undefined;

export function policyFileForLambda(env: NodeJS.ProcessEnv = process.env): string {
  const file = env.AUTOPILOT_CONFIG ?? 'autopilot.yml';
  return file.startsWith('/') ? file : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), file);
}

async function lambdaPolicy(env: NodeJS.ProcessEnv): Promise<Policy> {
  // Replaced by a string literal when serverless-esbuild bundles the function (see serverless.yml).
  const inlined = process.env.AUTOPILOT_POLICY_JSON;
  if (inlined) return validatePolicy(JSON.parse(inlined), 'autopilot.yml (packaged)');
  const { loadPolicy } = await import('../policy/load');
  return loadPolicy(policyFileForLambda(env));
}

export async function lambdaRuntime(env: NodeJS.ProcessEnv = process.env): Promise<LambdaRuntime> {
  if (cached) return cached;
  const deployment = deploymentFromEnv(env);
  if (!deployment) {
    throw new AutopilotError(
      'AUTOPILOT_STATE_TABLE, AUTOPILOT_ALARM_TOPIC_ARN and AUTOPILOT_NOTIFY_TOPIC_ARN must be set (serverless.yml sets them)',
    );
  }
  const rt = createRuntime({
    policy: await lambdaPolicy(env),
    stateTable: deployment.stateTable,
    notifyTopicArn: deployment.notifyTopicArn,
    alarmTopicArn: deployment.alarmTopicArn,
    resizes: (runtime) => resizeStarterFromEnv(runtime, env),
    failovers: (runtime) => failoverStarterFromEnv(runtime, env),
    // On Step Functions when AUTOPILOT_REFRESH_STATE_MACHINE_ARN is set (on-event, deployed); its modules
    // load on the first refresh, so the functions that never start one do not load them.
    refreshes: (runtime) => lazyRefreshStarter(runtime, env),
    // Powertools' Logger and Metrics: the same instances the middlewares give the invocation's context
    // and flush.
    log: containerTelemetry().log,
    telemetry: containerTelemetry().telemetry,
  });
  cached = { rt, deployment };
  return cached;
}

/** Forgets the cached runtime (tests that change the environment between invocations). */
export function resetLambdaRuntime(): void {
  cached = undefined;
}
