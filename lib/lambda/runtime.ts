/**
 * The runtime of a deployed function, built once per Lambda container from the environment that
 * serverless.yml sets and the policy file packaged beside the handler.
 */
import { join } from 'node:path';
import { deploymentFromEnv, type Deployment } from '../aws/deployment';
import { AutopilotError } from '../errors';
import { jsonLogger, levelFromEnv } from '../app/log';
import { createRuntime, type Runtime } from '../app/runtime';
import { loadPolicy } from '../policy/load';

export interface LambdaRuntime {
  rt: Runtime;
  deployment: Deployment;
}

let cached: LambdaRuntime | undefined;

export function policyFileForLambda(env: NodeJS.ProcessEnv = process.env): string {
  const file = env.AUTOPILOT_CONFIG ?? 'autopilot.yml';
  return file.startsWith('/') ? file : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), file);
}

export function lambdaRuntime(env: NodeJS.ProcessEnv = process.env): LambdaRuntime {
  if (cached) return cached;
  const deployment = deploymentFromEnv(env);
  if (!deployment) {
    throw new AutopilotError(
      'AUTOPILOT_STATE_TABLE, AUTOPILOT_ALARM_TOPIC_ARN and AUTOPILOT_NOTIFY_TOPIC_ARN must be set (serverless.yml sets them)',
    );
  }
  const policy = loadPolicy(policyFileForLambda(env));
  const rt = createRuntime({
    policy,
    stateTable: deployment.stateTable,
    notifyTopicArn: deployment.notifyTopicArn,
    log: jsonLogger((line) => console.log(line), levelFromEnv(env)),
  });
  cached = { rt, deployment };
  return cached;
}

/** Forgets the cached runtime (tests that change the environment between invocations). */
export function resetLambdaRuntime(): void {
  cached = undefined;
}
