/** What every command gets: its arguments, where to write, and how to build a runtime. */
import { readFileSync } from 'node:fs';
import { ensureDeployment, stageOf, stateTableName } from '../aws/deployment';
import { AwsClients } from '../aws/clients';
import { ValidationError } from '../errors';
import { jsonLogger, levelFromEnv } from '../log';
import { createRuntime, type Runtime } from '../app/runtime';
import { loadPolicy, policyPath } from '../policy/load';
import type { Policy } from '../policy/policy';
import { lazyRefreshStarter } from '../workflows/refresh-lazy';
import { failoverStarterFromEnv } from '../workflows/failover-starter';
import { resizeStarterFromEnv } from '../workflows/starter';
import type { CliArgs } from './args';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  env: NodeJS.ProcessEnv;
}

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

export class CliContext {
  readonly log;

  constructor(
    readonly args: CliArgs,
    readonly io: Io,
  ) {
    this.log = jsonLogger((line) => io.stderr(line), levelFromEnv(io.env));
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  policy(): Policy {
    return loadPolicy(policyPath(this.args.config, this.env));
  }

  /** The event given with `--event FILE|-`, as parsed JSON. */
  readEvent(): unknown {
    const source = this.args.event!;
    let text: string;
    try {
      text = source === '-' ? this.io.readStdin() : readFileSync(source, 'utf8');
    } catch (error) {
      throw new ValidationError(
        '--event',
        `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ValidationError('(event)', `not valid JSON: ${(error as Error).message}`);
    }
  }

  region(policy: Policy): string | undefined {
    return this.args.region ?? policy.region ?? this.env.AWS_REGION ?? this.env.AWS_DEFAULT_REGION;
  }

  private regionOrFail(policy: Policy): string {
    const region = this.region(policy);
    if (!region)
      throw new ValidationError(
        '--region',
        'no AWS region: pass --region, set region in the policy, or AWS_REGION',
      );
    return region;
  }

  /**
   * A runtime that only reads (no topic, no table created). Its alarm topic is known only from
   * `AUTOPILOT_ALARM_TOPIC_ARN` (finding the stage's would take AWS calls): without it, `plan` cannot
   * tell an event from another topic, which `apply` ignores.
   */
  readOnlyRuntime(policy: Policy): Runtime {
    const stage = stageOf(this.args.stage, this.env);
    const alarmTopicArn = this.env.AUTOPILOT_ALARM_TOPIC_ARN;
    return createRuntime({
      policy,
      stateTable: stateTableName(stage, this.env),
      ...(alarmTopicArn ? { alarmTopicArn } : {}),
      log: this.log,
      dryRun: true,
      client: { region: this.regionOrFail(policy) },
    });
  }

  /** A runtime that may change things; the stage's topics and table are created if missing. */
  async runtime(policy: Policy) {
    const region = this.regionOrFail(policy);
    const deployment = await ensureDeployment(new AwsClients({ region }), stageOf(this.args.stage, this.env));
    const rt = createRuntime({
      policy,
      stateTable: deployment.stateTable,
      notifyTopicArn: deployment.notifyTopicArn,
      alarmTopicArn: deployment.alarmTopicArn,
      resizes: (runtime) => resizeStarterFromEnv(runtime, this.env),
      failovers: (runtime) => failoverStarterFromEnv(runtime, this.env),
      refreshes: (runtime) => lazyRefreshStarter(runtime, this.env),
      log: this.log,
      dryRun: this.args.dryRun,
      client: { region },
    });
    return { rt, deployment };
  }
}
