/**
 * Vertical scaling of an instance target: one rung up its ladder on a high alarm, one rung down on a low
 * one, never off either end. The seed's rule — "scale up while you can, then scale out" — is `then`:
 * at the top of the ladder a high alarm scales the linked Auto Scaling target out instead, and on low
 * load that group scales in first, before the instance comes down. Pure.
 */
import type { AlarmTrigger } from '../events/trigger';
import type {
  Action,
  Ignored,
  MoveAddressAction,
  ResizeInstanceAction,
  UpdateAlarmAction,
} from '../model/action';
import type { InstanceFacts } from '../model/instance';
import type { AutoScalingSnapshot, InstanceSnapshot } from '../model/snapshot';
import type { AutoScalingTarget, InstanceTarget, Policy, Rule } from '../policy/policy';
import { alarmName } from '../policy/policy';
import { alarmDefinition } from './alarms';
import { HOURS_PER_MONTH, hourlyPrice, type PriceLookup } from '../pricing/on-demand';
import { planCapacity } from './capacity';
import { checkCompatibility } from './compatibility';
import { cooldownEnds } from './cooldown';
import { formatMetric, formatTime } from './wording';

export interface LinkedGroup {
  target: AutoScalingTarget;
  snapshot: AutoScalingSnapshot;
}

export interface ResizeInput {
  policy: Policy;
  trigger: AlarmTrigger;
  target: InstanceTarget;
  rule: Rule;
  snapshot: InstanceSnapshot;
  now: Date;
  /** The Auto Scaling target of `then.scaleOut`, with its snapshot. */
  linked?: LinkedGroup;
  prices?: PriceLookup;
}

export interface ResizeDecision {
  actions: Action[];
  ignored?: Ignored;
}

const skip = (target: string, reason: string, severity: Ignored['severity'] = 'info'): ResizeDecision => ({
  actions: [],
  ignored: { reason, severity, target },
});

/** The next rung in a direction, or undefined at that end of the ladder (or off it). */
export function nextRung(
  ladder: readonly string[],
  current: string,
  direction: 'up' | 'down',
): string | undefined {
  const i = ladder.indexOf(current);
  if (i < 0) return undefined;
  return ladder[direction === 'up' ? i + 1 : i - 1];
}

const describeSelector = (t: InstanceTarget) =>
  'id' in t.instance
    ? t.instance.id
    : Object.entries(t.instance.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');

function monthlyDelta(from: string, to: string, prices: PriceLookup): number | undefined {
  const a = prices(from);
  const b = prices(to);
  return a === undefined || b === undefined ? undefined : Math.round((b - a) * HOURS_PER_MONTH * 100) / 100;
}

/** The linked group's decision, with the escalation told in its reason. */
function viaGroup(input: ResizeInput, linked: LinkedGroup, why: string): ResizeDecision | undefined {
  const rule = input.rule.direction === 'high' ? linked.target.scaleOut : linked.target.scaleIn;
  if (!rule) return undefined;
  const decision = planCapacity({
    trigger: input.trigger,
    target: linked.target,
    rule,
    snapshot: linked.snapshot,
    now: input.now,
    ...(input.prices ? { prices: input.prices } : {}),
  });
  if (decision.action)
    return { actions: [{ ...decision.action, reason: `${why}: ${decision.action.reason}` }] };
  return {
    actions: [],
    ignored: {
      ...decision.ignored!,
      target: linked.target.name,
      reason: `${why}, but ${decision.ignored!.reason}`,
    },
  };
}

export function planResize(input: ResizeInput): ResizeDecision {
  const { policy, trigger, target, rule, snapshot, now, linked } = input;
  const prices = input.prices ?? hourlyPrice;
  const name = target.name;
  if (trigger.state !== 'ALARM')
    return skip(name, `alarm ${trigger.alarmName} is ${trigger.state}: only a change to ALARM acts`);
  if (snapshot.matches.length === 0) {
    return skip(
      name,
      `no live instance matches ${describeSelector(target)}: nothing to resize for ${name}`,
      'warning',
    );
  }
  if (snapshot.matches.length > 1) {
    const ids = snapshot.matches.map((m) => m.id).join(', ');
    return skip(
      name,
      `${snapshot.matches.length} instances match ${describeSelector(target)} (${ids}): name one by id, or make the tags unique`,
      'warning',
    );
  }
  const instance = snapshot.matches[0]!;
  if (snapshot.lock) {
    return skip(
      name,
      `a resize of ${name} is in flight since ${snapshot.lock.since} (operation ${snapshot.lock.owner}): this alarm is recorded, not acted on twice`,
    );
  }
  const direction = rule.direction === 'high' ? 'up' : 'down';
  const ends = cooldownEnds(snapshot.record, target.cooldownMinutes, direction);
  if (ends && now < ends) {
    const r = snapshot.record;
    return skip(
      name,
      `${name} is cooling down until ${formatTime(ends)} after ${r.lastFrom} → ${r.lastTo}; the next reconcile re-checks the alarm then`,
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    return skip(name, `${instance.id} is ${instance.state}: not resizing it now`);
  }
  const value = trigger.datapoints.length > 0 ? Math.max(...trigger.datapoints) : undefined;
  const where = `${rule.when.metric}${value === undefined ? '' : ` at ${formatMetric(rule.when.metric, value)}`} was ${rule.when.comparison} ${rule.when.threshold} for ${rule.when.forMinutes} min`;

  if (!target.ladder.includes(instance.type)) {
    return skip(
      name,
      `${instance.id} is a ${instance.type}, which is not on ${name}'s ladder (${target.ladder.join(', ')}): add it, or resize by hand`,
      'warning',
    );
  }
  // On low load a linked group gives back its extra instances before the instance itself comes down.
  if (direction === 'down' && linked?.snapshot.group) {
    const group = linked.snapshot.group;
    const floor = Math.max(group.minSize, linked.target.bounds?.min ?? 0);
    if (group.desiredCapacity > floor) {
      const viaIn = viaGroup(
        input,
        linked,
        `${where}; ${linked.target.autoScalingGroup} scales in before ${name} scales down`,
      );
      if (viaIn) return viaIn;
    }
  }
  const to = nextRung(target.ladder, instance.type, direction);
  if (!to) {
    if (direction === 'up' && linked) {
      const viaOut = viaGroup(
        input,
        linked,
        `${name} is already ${instance.type}, the top of its ladder, so ${linked.target.autoScalingGroup} scales out instead`,
      );
      if (viaOut) return viaOut;
    }
    return direction === 'up'
      ? skip(
          name,
          `${where}, but ${instance.id} is already ${instance.type}, the top of ${name}'s ladder${target.then ? '' : ' (add then: { scaleOut: <target> } to scale out next)'}`,
          'warning',
        )
      : skip(
          name,
          `${where}, but ${instance.id} is already ${instance.type}, the bottom of ${name}'s ladder`,
        );
  }

  return resizeTo({
    policy,
    target,
    instance,
    to,
    direction,
    snapshot,
    prices,
    why: where,
    region: trigger.region,
  });
}

interface ResizeTo {
  policy: Policy;
  target: InstanceTarget;
  instance: InstanceFacts;
  to: string;
  direction: 'up' | 'down';
  snapshot: Pick<InstanceSnapshot, 'types' | 'offeredInZone'>;
  prices: PriceLookup;
  /** What justifies the resize, leading its reason. */
  why: string;
  region?: string;
}

/** The checked resize of one instance to one type, with the steps a blue-green move takes. */
function resizeTo({
  policy,
  target,
  instance,
  to,
  direction,
  snapshot,
  prices,
  why,
  region,
}: ResizeTo): ResizeDecision {
  const name = target.name;
  const compatibility = checkCompatibility({
    instance,
    ...(snapshot.types[instance.type] ? { current: snapshot.types[instance.type] } : {}),
    ...(snapshot.types[to] ? { target: snapshot.types[to] } : {}),
    ...(snapshot.offeredInZone !== undefined ? { offeredInZone: snapshot.offeredInZone } : {}),
    strategy: target.strategy,
  });
  if (!compatibility.ok) {
    return skip(
      name,
      `resize of ${instance.id} ${instance.type} → ${to} refused: ${compatibility.problems.join('; ')}`,
      'warning',
    );
  }
  const eip = instance.elasticIp;
  if (target.strategy === 'blue-green' && !eip) {
    return skip(
      name,
      `${instance.id} has no Elastic IP: a blue-green resize would give it a new address; allocate one, or use strategy: in-place`,
      'warning',
    );
  }
  const delta = monthlyDelta(instance.type, to, prices);
  const keeps = eip ? `, keeping ${eip.publicIp}` : '';
  const notes = compatibility.notes.length > 0 ? ` (${compatibility.notes.join('; ')})` : '';
  const resize: ResizeInstanceAction = {
    type: 'resize-instance',
    target: name,
    instanceId: instance.id,
    from: instance.type,
    to,
    direction,
    strategy: target.strategy,
    ...(eip ? { publicIp: eip.publicIp } : {}),
    reason: `${why}: resize ${name} (${instance.id}) ${instance.type} → ${to}, ${target.strategy}${keeps}${notes}`,
    ...(delta === undefined ? {} : { monthlyCostDeltaUsd: delta }),
    ...(region ? { region } : {}),
  };
  const actions: Action[] = [resize];
  if (target.strategy === 'blue-green' && eip) {
    const move: MoveAddressAction = {
      type: 'move-address',
      partOf: 'resize-instance',
      target: name,
      allocationId: eip.allocationId,
      publicIp: eip.publicIp,
      fromInstance: instance.id,
      reason: `move ${eip.publicIp} from ${instance.id} to its ${to} replacement once that passes its checks`,
    };
    actions.push(move);
    for (const d of ['high', 'low'] as const) {
      const r = d === 'high' ? target.scaleUp : target.scaleDown;
      if (!r) continue;
      const repoint: UpdateAlarmAction = {
        type: 'update-alarm',
        change: 'repoint',
        partOf: 'resize-instance',
        target: name,
        // The replacement does not exist yet; the workflow puts its id in.
        alarm: alarmDefinition(policy, target, r, '', '(replacement)'),
        reason: `re-point alarm ${alarmName(policy, name, d)} from ${instance.id} to the replacement`,
      };
      actions.push(repoint);
    }
  }
  return { actions };
}

export interface ManualResizeInput {
  policy: Policy;
  /** The policy's target for this instance, or an ad-hoc one for an instance no target names. */
  target: InstanceTarget;
  instance: InstanceFacts;
  to: string;
  snapshot: Pick<InstanceSnapshot, 'types' | 'offeredInZone' | 'lock'>;
  prices?: PriceLookup;
}

/** `autopilot resize <id> --to <type>`: the same checks and steps as an alarm's resize, asked for by a person. */
export function planManualResize({
  policy,
  target,
  instance,
  to,
  snapshot,
  prices = hourlyPrice,
}: ManualResizeInput): ResizeDecision {
  if (to === instance.type) return skip(target.name, `${instance.id} is already a ${to}`);
  if (snapshot.lock) {
    return skip(
      target.name,
      `a resize of ${target.name} is in flight since ${snapshot.lock.since} (operation ${snapshot.lock.owner})`,
      'warning',
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped')
    return skip(target.name, `${instance.id} is ${instance.state}: not resizing it now`, 'warning');
  const from = snapshot.types[instance.type];
  const next = snapshot.types[to];
  // Bigger means more memory, then more vCPUs; without facts, a higher price.
  const bigger =
    from?.memoryMiB !== undefined && next?.memoryMiB !== undefined && from.memoryMiB !== next.memoryMiB
      ? next.memoryMiB > from.memoryMiB
      : from?.vcpus !== undefined && next?.vcpus !== undefined && from.vcpus !== next.vcpus
        ? next.vcpus > from.vcpus
        : (prices(to) ?? 0) >= (prices(instance.type) ?? 0);
  return resizeTo({
    policy,
    target,
    instance,
    to,
    direction: bigger ? 'up' : 'down',
    snapshot,
    prices,
    why: 'asked for by hand',
  });
}
