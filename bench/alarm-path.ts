/**
 * The AWS calls of the alarm path, counted on the wire: a counting proxy in front of moto sees every
 * request the on-event function makes for one high alarm (web-asg 1 → 3), from the event to the
 * SetDesiredCapacity and after it (e-mail, closing the event). Only stable entry points are used (the
 * deployed handler, the local fleet helpers), so the same driver runs on an older checkout to compare.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../lib/app/runtime';
import { reconcile } from '../lib/app/reconcile';
import { AwsClients } from '../lib/aws/clients';
import { ensureDeployment } from '../lib/aws/deployment';
import { resetLambdaRuntime } from '../lib/lambda/runtime';
import { fireAlarm } from '../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../lib/local/fleet';
import { startMoto } from '../lib/local/moto';
import { parsePolicy } from '../lib/policy/load';
import { handler } from '../functions/on-event';

const REGION = 'eu-west-1';

const POLICY = `
version: 1
region: ${REGION}
alarmPrefix: bench
targets:
  - name: web
    autoScalingGroup: web-asg
    bounds: { min: 1, max: 4 }
    scaleOut: { when: { metric: CPUUtilization, above: 70, forMinutes: 5 }, add: 2 }
    scaleIn: { when: { metric: CPUUtilization, below: 30, forMinutes: 10 }, remove: 1 }
`;

/** The operation a request names: JSON protocols in a header, rpc-v2 in the path, query in the body. */
function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  const path = /\/operation\/([A-Za-z]+)/.exec(req.url ?? '');
  if (path) return path[1]!;
  return new URLSearchParams(body).get('Action') ?? `${req.method} ${req.url}`;
}

function countingProxy(upstream: string, seen: string[]): Promise<Server> {
  const to = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push(operationOf(req, body.toString('utf8')));
      const out = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function runBench({ print }: { print: (line: string) => void }): Promise<void> {
  const moto = await startMoto();
  const seen: string[] = [];
  const proxy = await countingProxy(moto.endpoint, seen);
  try {
    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    const aws = new AwsClients({ region: REGION });
    const deployment = await ensureDeployment(aws, 'bench');
    await createGroup(aws, { name: 'web-asg', min: 1, max: 4, desired: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-bench-'));
    const policyFile = join(dir, 'autopilot.yml');
    writeFileSync(policyFile, POLICY);
    const quiet = { log() {} };
    await reconcile(
      createRuntime({ policy: parsePolicy(POLICY), stateTable: deployment.stateTable, log: quiet }),
      deployment.alarmTopicArn,
    );
    Object.assign(process.env, {
      AUTOPILOT_STATE_TABLE: deployment.stateTable,
      AUTOPILOT_ALARM_TOPIC_ARN: deployment.alarmTopicArn,
      AUTOPILOT_NOTIFY_TOPIC_ARN: deployment.notifyTopicArn,
      AUTOPILOT_CONFIG: policyFile,
      AUTOPILOT_LOG_LEVEL: 'error',
    });
    resetLambdaRuntime();
    const event = await fireAlarm(aws, 'bench-web-high', [91, 88, 86, 90, 93], deployment.alarmTopicArn);
    seen.length = 0;
    await handler(event, { awsRequestId: 'bench', functionName: 'onEvent' } as never);
    const calls = [...seen];
    const upTo = calls.indexOf('SetDesiredCapacity') + 1;
    print('\nAlarm path (one high alarm, web-asg 1 → 3, counted on the wire)');
    print(`  desired capacity now: ${await desiredCapacity(aws, 'web-asg')}`);
    print(`  calls from the event to SetDesiredCapacity: ${upTo}  (${calls.slice(0, upTo).join(', ')})`);
    print(`  calls after it: ${calls.length - upTo}  (${calls.slice(upTo).join(', ')})`);
  } finally {
    proxy.close();
    await moto.stop();
  }
}
