/**
 * What every command gets: its arguments, where to write, and how to reach the stage's deployment.
 *
 * Two runtimes, so that a command changes only what it says it will: `readRuntime` finds the stage's
 * table and topics and creates nothing (validate, plan, prices, cleanup in report mode); `runtime`
 * creates what is missing, for the commands that change the fleet, and says on stderr what it created.
 */
import { readFileSync } from 'node:fs';
import {
  deployCommand,
  findDeployment,
  provisionDeployment,
  resourceNames,
  stageOf,
  type CreatedResource,
  type Deployment,
  type FoundDeployment,
} from '../aws/deployment';
import { FailedEventsQueue } from '../aws/failed-events';
import { stateMachineArn, type DeployedStack } from '../plan/self-alarms';
import { AwsClients } from '../aws/clients';
import { Notifier } from '../aws/notifier';
import { ValidationError } from '../errors';
import { jsonLogger, levelFromEnv, powertoolsJsonLogger, type Logger } from '../log';
import { createRuntime, type Runtime } from '../app/runtime';
import type { Email } from '../model/email';
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

/** The variables the deployed functions find their state machines by, for a deployed stack. */
const workflowArns = (stack: DeployedStack): NodeJS.ProcessEnv => ({
  AUTOPILOT_RESIZE_STATE_MACHINE_ARN: stateMachineArn(stack, { name: 'resize' }),
  AUTOPILOT_FAILOVER_STATE_MACHINE_ARN: stateMachineArn(stack, { name: 'failover' }),
  AUTOPILOT_REFRESH_STATE_MACHINE_ARN: stateMachineArn(stack, { name: 'refresh-image' }),
});

/** An environment without its empty variables (an empty one must not hide a derived value). */
const definedOnly = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

/**
 * The CLI's log, on stderr so that stdout stays the command's output. `--verbose` writes the functions'
 * own JSON lines (Powertools Logger's format, correlation ids included), down to debug; without it the
 * CLI prints as before: its JSON lines at the environment's level (`POWERTOOLS_LOG_LEVEL`,
 * `AUTOPILOT_LOG_LEVEL`; info by default).
 */
export const cliLogger = (io: Pick<Io, 'stderr' | 'env'>, verbose: boolean): Logger =>
  verbose
    ? powertoolsJsonLogger((line) => io.stderr(line), 'debug', io.env)
    : jsonLogger((line) => io.stderr(line), levelFromEnv(io.env));

/** The lines on stderr that say what a command created because the stage was not deployed. */
export function createdLines(stage: string, region: string, created: readonly CreatedResource[]): string[] {
  if (created.length === 0) return [];
  return [
    `autopilot: stage ${stage} is not deployed in ${region}; this command created what it needs:`,
    ...created.map((c) => `autopilot:   ${c.kind} ${c.name}${c.arn ? ` (${c.arn})` : ''}`),
    `autopilot: they are the resources \`${deployCommand(stage)}\` creates and owns; delete them before deploying that stage (CloudFormation does not take over a table that exists)`,
  ];
}

export class CliContext {
  readonly log: Logger;

  constructor(
    readonly args: CliArgs,
    readonly io: Io,
  ) {
    this.log = cliLogger(io, args.verbose);
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  get stage(): string {
    return stageOf(this.args.stage, this.env);
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

  region(policy: Policy | undefined): string | undefined {
    return this.args.region ?? policy?.region ?? this.env.AWS_REGION ?? this.env.AWS_DEFAULT_REGION;
  }

  regionOrFail(policy: Policy | undefined): string {
    const region = this.region(policy);
    if (!region)
      throw new ValidationError(
        '--region',
        'no AWS region: pass --region, set region in the policy, or AWS_REGION',
      );
    return region;
  }

  /** What exists of the stage in `region`; creates nothing. */
  findDeployment(region: string): Promise<FoundDeployment> {
    return findDeployment(new AwsClients({ region }), this.stage, this.env);
  }

  /**
   * A runtime that only reads: the stage's table if it exists (duplicate detection) and its alarm topic
   * if it exists (an event from another topic is told as such), found, never created; no notifier.
   */
  async readRuntime(policy: Policy): Promise<{ rt: Runtime; found: FoundDeployment }> {
    const region = this.regionOrFail(policy);
    const found = await this.findDeployment(region);
    const rt = createRuntime({
      policy,
      stateTable: found.stateTable,
      ...(found.alarmTopicArn ? { alarmTopicArn: found.alarmTopicArn } : {}),
      log: this.log,
      dryRun: true,
      client: { region },
    });
    return { rt, found };
  }

  /**
   * `--notify`: the deployed stage's notifications topic, found (never created). A stage that is not
   * deployed has none: bad input, naming the topic and the command that deploys it.
   */
  async requestedNotifier(region: string, found?: FoundDeployment): Promise<Notifier | undefined> {
    if (!this.args.notify) return undefined;
    const deployment = found ?? (await this.findDeployment(region));
    if (!deployment.notifyTopicArn)
      throw new ValidationError(
        '--notify',
        `stage ${this.stage} is not deployed in ${region}: there is no SNS topic ${resourceNames(this.stage).notifyTopic} to e-mail to (deploy it first: ${deployCommand(this.stage)})`,
      );
    return new Notifier(new AwsClients({ region }), deployment.notifyTopicArn);
  }

  /** Publishes a `--notify` e-mail; what was sent, for the command's output. */
  async notify(
    notifier: Notifier | undefined,
    email: Email,
  ): Promise<{ subject: string; messageId?: string } | undefined> {
    if (!notifier) return undefined;
    const messageId = await notifier.publish(email);
    return { subject: email.subject, ...(messageId ? { messageId } : {}) };
  }

  /**
   * The stage's deployment for a command that changes the fleet: found, or where the stage is not
   * deployed, created (and said so on stderr, resource by resource).
   */
  async provision(region: string) {
    const { deployment, created } = await provisionDeployment(
      new AwsClients({ region }),
      this.stage,
      this.env,
    );
    for (const line of createdLines(this.stage, region, created)) this.io.stderr(line);
    return { deployment, created };
  }

  /**
   * The stage as the stack deployed it, or undefined: its failed-events queue is the stack's alone (no
   * command creates it), so where it is, so are the stack's state machines and its own alarms.
   */
  private async deployedStack(region: string, deployment: Deployment): Promise<DeployedStack | undefined> {
    const queue = await FailedEventsQueue.find(
      new AwsClients({ region }),
      resourceNames(deployment.stage).failedEventsQueue,
    );
    return queue ? deployment : undefined;
  }

  /**
   * A runtime that may change things, on the stage's deployment (see `provision`). On a deployed stack
   * the workflows it starts (resize, failover, image refresh) run on the stack's state machines, as the
   * functions start them, rather than in this process; an `AUTOPILOT_*_STATE_MACHINE_ARN` set in the
   * environment still wins.
   */
  async runtime(policy: Policy) {
    const region = this.regionOrFail(policy);
    const { deployment, created } = await this.provision(region);
    const stack = created.length === 0 ? await this.deployedStack(region, deployment) : undefined;
    const env = stack ? { ...workflowArns(stack), ...definedOnly(this.env) } : this.env;
    const rt = createRuntime({
      policy,
      stateTable: deployment.stateTable,
      notifyTopicArn: deployment.notifyTopicArn,
      alarmTopicArn: deployment.alarmTopicArn,
      resizes: (runtime) => resizeStarterFromEnv(runtime, env),
      failovers: (runtime) => failoverStarterFromEnv(runtime, env),
      refreshes: (runtime) => lazyRefreshStarter(runtime, env),
      log: this.log,
      dryRun: this.args.dryRun,
      client: { region },
    });
    return { rt, deployment, created, stack };
  }
}
