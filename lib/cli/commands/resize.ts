/**
 * `autopilot resize <instance-id> --to <type> [--strategy in-place|blue-green] [--dry-run]`: the same
 * checked, durable, e-mailed resize an alarm starts, asked for by a person. The instance's target in
 * the policy (if a target names it) lends its health check, alarms and cooldown record; otherwise the
 * resize stands alone, under the instance's id.
 */
import { executeActions, planned } from '../../app/execute';
import type { InstanceFacts } from '../../model/instance';
import type { Execution } from '../../model/plan';
import { planManualResize } from '../../plan/ladder';
import type { InstanceTarget, Policy } from '../../policy/policy';
import { ValidationError } from '../../errors';
import { fleetEnv, type Runtime } from '../../app/runtime';
import { failureLines, renderPlan } from '../render';
import { EXIT, type CliContext } from '../context';

async function targetFor(
  rt: Runtime,
  policy: Policy,
  instance: InstanceFacts,
  to: string,
  strategy?: InstanceTarget['strategy'],
) {
  for (const t of policy.targets) {
    if (t.kind !== 'instance') continue;
    const found = await rt.instances.find(t.instance);
    if (found.some((f) => f.id === instance.id)) return { ...t, ...(strategy ? { strategy } : {}) };
  }
  const adHoc: InstanceTarget = {
    kind: 'instance',
    name: instance.id,
    instance: { id: instance.id },
    ladder: [instance.type, to],
    strategy: strategy ?? 'blue-green',
    reboot: false,
    retire: 'stop',
    cooldownMinutes: 0,
    dryRun: false,
  };
  return adHoc;
}

export async function resize(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  const { rt } = await ctx.runtime(policy);
  const { instanceId, to, strategy } = ctx.args as Required<Pick<typeof ctx.args, 'instanceId' | 'to'>> &
    typeof ctx.args;
  const instance = await rt.instances.get(instanceId);
  if (!instance || instance.state === 'terminated')
    throw new ValidationError('(arguments)', `no instance ${instanceId} in ${rt.aws.region}`);
  const target = await targetFor(rt, policy, instance, to, strategy);
  const [facts, lock] = await Promise.all([
    rt.instances.typeFacts([instance.type, to]),
    rt.store.readLock(target.name),
  ]);
  const offered = instance.availabilityZone
    ? await rt.instances.offeredInZone(to, instance.availabilityZone)
    : undefined;
  // The executor and the workflow find the target in the runtime's policy: an ad-hoc one joins it.
  rt.policy = { ...policy, targets: [...policy.targets.filter((t) => t.name !== target.name), target] };
  const decision = planManualResize({
    policy: rt.policy,
    target,
    instance,
    to,
    snapshot: {
      types: Object.fromEntries(facts),
      ...(offered === undefined ? {} : { offeredInZone: offered }),
      ...(lock && lock.expiresAt > rt.now().getTime() / 1000
        ? { lock: { owner: lock.owner, since: lock.since } }
        : {}),
    },
  });
  const trigger = { kind: 'schedule' as const, time: rt.now().toISOString(), region: rt.aws.region };
  const outcomes = await executeActions(
    planned(decision.actions),
    fleetEnv(rt, {
      operationKey: `cli-resize-${instance.id}-${rt.now().toISOString()}`,
      triggerText: `autopilot resize ${instance.id} --to ${to}, run by hand at ${rt.now().toISOString()}`,
    }),
  );
  const execution: Execution = {
    trigger,
    actions: decision.actions,
    ignored: decision.ignored ? [decision.ignored] : [],
    outcomes,
  };
  if (ctx.args.format === 'json') ctx.io.stdout(JSON.stringify(execution, null, 2));
  else {
    const lines = [
      renderPlan(execution).replace(/^Trigger: .*\n/, `Resize ${instance.id} (${instance.type}) → ${to}\n`),
    ];
    if (outcomes.some((o) => o.status === 'applied')) {
      // After a blue-green move the address tells which instance serves now.
      const holder = instance.elasticIp
        ? await rt.instances.addressHolder(instance.elasticIp.allocationId)
        : instance.id;
      const now = holder ? await rt.instances.get(holder) : undefined;
      if (now)
        lines.push(
          `Now: ${now.id} ${now.type} ${now.state}${now.elasticIp ? ` with ${now.elasticIp.publicIp}` : ''}`,
        );
    }
    ctx.io.stdout(lines.join('\n'));
  }
  const failures = failureLines(outcomes);
  for (const line of failures) ctx.io.stderr(line);
  if (failures.length > 0) return EXIT.failed;
  return decision.ignored?.severity === 'warning' ? EXIT.failed : EXIT.ok;
}
