/**
 * A deployed-like setup in moto for integration tests: the policy written to a file, the stage's topics
 * and table, the policy's alarms, and the environment a deployed function would have.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reconcile } from '../../lib/app/reconcile';
import { createRuntime } from '../../lib/app/runtime';
import { silentLogger } from '../../lib/log';
import { AwsClients } from '../../lib/aws/clients';
import { ensureDeployment, type Deployment } from '../../lib/aws/deployment';
import { resetLambdaRuntime } from '../../lib/lambda/runtime';
import { parsePolicy } from '../../lib/policy/load';
import { REGION } from './moto';

export interface Deployed {
  aws: AwsClients;
  deployment: Deployment;
  policyFile: string;
}

/** Writes the policy, creates the stage's resources and alarms, and sets the functions' environment. */
export async function deploy(policyText: string, stage = 'test'): Promise<Deployed> {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-'));
  const policyFile = join(dir, 'autopilot.yml');
  writeFileSync(policyFile, policyText);
  const aws = new AwsClients({ region: REGION });
  const deployment = await ensureDeployment(aws, stage);
  const rt = createRuntime({
    policy: parsePolicy(policyText),
    stateTable: deployment.stateTable,
    log: silentLogger,
  });
  await reconcile(rt, deployment.alarmTopicArn);
  Object.assign(process.env, {
    AUTOPILOT_STAGE: stage,
    AUTOPILOT_STATE_TABLE: deployment.stateTable,
    AUTOPILOT_ALARM_TOPIC_ARN: deployment.alarmTopicArn,
    AUTOPILOT_NOTIFY_TOPIC_ARN: deployment.notifyTopicArn,
    AUTOPILOT_CONFIG: policyFile,
    AUTOPILOT_LOG_LEVEL: 'error',
    // The handlers' EMF documents on stdout would fill the test output (observability.test.ts turns
    // them back on to read them).
    POWERTOOLS_METRICS_DISABLED: 'true',
    // Resizes run in this process (no Step Functions here); moto changes state at once, so no waiting.
    AUTOPILOT_LOCAL_WAIT_MS: '0',
  });
  resetLambdaRuntime();
  return { aws, deployment, policyFile };
}

export const lambdaContext = { awsRequestId: 'test-request', functionName: 'on-event' };
