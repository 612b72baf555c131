/**
 * Starting an image refresh: on AWS, a Step Functions execution named after the operation (a second
 * start of the same operation is refused by AWS); elsewhere (the CLI, the sandbox, tests against a
 * local AWS), the same state machine run in this process to its end.
 */
import type { RefreshesPort } from '../actions/ports';
import { discardImage, retireImages } from '../app/image-retention';
import type { Runtime } from '../app/runtime';
import { InstanceRefreshes } from '../aws/instance-refresh';
import { LaunchOps } from '../aws/launch-ops';
import type { RefreshDeps, RetentionPort } from './refresh-deps';
import { LOCAL_WAIT_MS, startExecution } from './starter';

const refreshAdapters = (rt: Runtime) => ({
  launches: new LaunchOps(rt.aws),
  refreshes: new InstanceRefreshes(rt.aws),
});

function retention(rt: Runtime): RetentionPort {
  return {
    async retire(s, refreshRunning) {
      const target = rt.policy.targets.find((t) => t.name === s.target);
      if (!target || target.kind !== 'auto-scaling-group')
        return { imageIds: [], snapshotIds: [], savedMonthlyUsd: 0, kept: [], outcomes: [] };
      const r = await retireImages(rt, target, { dryRun: rt.dryRun, refreshRunning });
      const applied = r.executed.filter((o) => o.status === 'applied').map((o) => o.action);
      const ids = (type: string) =>
        applied.flatMap((a) => (a.type === type && 'resourceId' in a ? [a.resourceId] : []));
      return {
        imageIds: [...ids('deregister-image'), ...ids('deprecate-image')],
        snapshotIds: ids('delete-snapshot'),
        savedMonthlyUsd: r.savedMonthlyUsd,
        kept: r.kept.map((k) => `${k.id} (${k.why})`),
        outcomes: r.executed,
      };
    },
    discard: (imageId) => discardImage(rt, imageId),
  };
}

export const refreshDeps = (rt: Runtime): RefreshDeps => ({
  policy: rt.policy,
  region: rt.aws.region,
  instances: rt.instances,
  ops: rt.ops,
  ...refreshAdapters(rt),
  retention: retention(rt),
  store: rt.store,
  ...(rt.notifier ? { notifier: rt.notifier } : {}),
  log: rt.log,
  now: rt.now,
});

export const stepFunctionsRefreshStarter = (rt: Runtime, stateMachineArn: string): RefreshesPort => ({
  start: (input) => startExecution(rt, stateMachineArn, input),
});

export function localRefreshStarter(rt: Runtime, waitMs: number): RefreshesPort {
  return {
    async start(input) {
      const { runRefreshLocally } = await import('./local-runner');
      const result = await runRefreshLocally(refreshDeps(rt), input, { waitMs });
      if (result.status === 'succeeded')
        return result.state.busy
          ? { status: 'dropped', detail: result.state.busy }
          : { status: 'applied', state: result.state };
      if (result.status === 'failed') return { status: 'failed', detail: result.cause };
      return { status: 'failed', detail: `stopped after ${result.afterStep}` };
    },
  };
}

/**
 * Deployed, refreshes run on Step Functions (`AUTOPILOT_REFRESH_STATE_MACHINE_ARN`, set by
 * serverless.yml); elsewhere in this process, with `AUTOPILOT_LOCAL_WAIT_MS` between polls.
 */
export function refreshStarterFromEnv(rt: Runtime, env: NodeJS.ProcessEnv = process.env): RefreshesPort {
  const arn = env.AUTOPILOT_REFRESH_STATE_MACHINE_ARN;
  if (arn) return stepFunctionsRefreshStarter(rt, arn);
  const wait = Number(env.AUTOPILOT_LOCAL_WAIT_MS ?? LOCAL_WAIT_MS);
  return localRefreshStarter(rt, Number.isFinite(wait) && wait >= 0 ? wait : LOCAL_WAIT_MS);
}
