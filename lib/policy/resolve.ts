/**
 * From the parsed file to the normalised `Policy`, checking the rules a schema cannot express
 * (either/or fields, thresholds that would make a group flap, duplicate names). Every problem is
 * reported with the path of the field to fix, and all of them at once.
 */
import { resolveCleanup } from './cleanup';
import { notBigger } from './instance-sizes';
import type { ConditionFile, PolicyFile, TargetFile } from './schema';
import type {
  AutoScalingTarget,
  Condition,
  FailoverPolicy,
  ImageRefreshPolicy,
  InstanceTarget,
  Policy,
  ScalingRule,
  Step,
  Target,
} from './policy';

/**
 * A proportional scale-in rule with no explicit threshold fires at 90 % of the target, as AWS target
 * tracking does: far enough below the scale-out threshold that the two do not alternate.
 */
export const PROPORTIONAL_SCALE_IN_RATIO = 0.9;

type Issues = string[];

function condition(
  when: ConditionFile | undefined,
  comparison: 'above' | 'below',
  fallback: number | undefined,
  path: string,
  issues: Issues,
): Condition | undefined {
  const other = comparison === 'above' ? 'below' : 'above';
  if (when?.[other] !== undefined) {
    issues.push(`${path}.when.${other}: not allowed here (this rule fires ${comparison} a threshold)`);
  }
  const threshold = when?.[comparison] ?? fallback;
  if (threshold === undefined) {
    issues.push(`${path}.when.${comparison}: required (the threshold that fires this rule)`);
    return undefined;
  }
  return {
    metric: when?.metric ?? 'CPUUtilization',
    namespace: when?.namespace ?? 'AWS/EC2',
    statistic: when?.statistic ?? 'Average',
    comparison,
    threshold,
    forMinutes: when?.forMinutes ?? 5,
    periodSeconds: when?.periodSeconds ?? 60,
  };
}

function step(
  count: number | undefined,
  target: number | undefined,
  countKey: string,
  path: string,
  issues: Issues,
) {
  if (count !== undefined && target !== undefined) {
    issues.push(`${path}: expected either ${countKey} (fixed step) or target (proportional), not both`);
    return undefined;
  }
  if (count !== undefined) return { kind: 'fixed', count } satisfies Step;
  if (target !== undefined) return { kind: 'proportional', target } satisfies Step;
  issues.push(`${path}.${countKey}: required (instances per alarm), or give target for proportional scaling`);
  return undefined;
}

function scalingRules(
  t: TargetFile,
  path: string,
  issues: Issues,
): { scaleOut?: ScalingRule; scaleIn?: ScalingRule } {
  const rules: { scaleOut?: ScalingRule; scaleIn?: ScalingRule } = {};
  if (t.scaleOut) {
    const p = `${path}.scaleOut`;
    const s = step(t.scaleOut.add, t.scaleOut.target, 'add', p, issues);
    const when = condition(t.scaleOut.when, 'above', t.scaleOut.target, p, issues);
    if (s && when) rules.scaleOut = { direction: 'high', when, step: s };
  }
  if (t.scaleIn) {
    const p = `${path}.scaleIn`;
    const s = step(t.scaleIn.remove, t.scaleIn.target, 'remove', p, issues);
    const fallback =
      t.scaleIn.target === undefined ? undefined : t.scaleIn.target * PROPORTIONAL_SCALE_IN_RATIO;
    const when = condition(t.scaleIn.when, 'below', fallback, p, issues);
    if (s && when) rules.scaleIn = { direction: 'low', when, step: s };
  }
  const { scaleOut, scaleIn } = rules;
  if (
    scaleOut &&
    scaleIn &&
    scaleOut.when.metric === scaleIn.when.metric &&
    scaleOut.when.namespace === scaleIn.when.namespace &&
    scaleIn.when.threshold >= scaleOut.when.threshold
  ) {
    issues.push(
      `${path}.scaleIn.when.below: must be lower than scaleOut's threshold (${scaleOut.when.threshold}), or the group would flap`,
    );
  }
  return rules;
}

/** Fields that belong to the other kind of target, reported by name rather than silently ignored. */
function misplaced(t: TargetFile, path: string, keys: (keyof TargetFile)[], kind: string, issues: Issues) {
  for (const key of keys)
    if (t[key] !== undefined) issues.push(`${path}.${String(key)}: not allowed on ${kind}`);
}

/** `a` selects every instance `b` selects: each of `a`'s tags is one of `b`'s. */
const covers = (a: Record<string, string>, b: Record<string, string>) =>
  Object.entries(a).every(([k, v]) => b[k] === v);

function failoverOf(
  f: NonNullable<TargetFile['failover']>,
  selector: NonNullable<TargetFile['instance']>,
  path: string,
  issues: Issues,
): FailoverPolicy {
  // A failover replaces the failed instance: an id would name the dead one from then on, tags carry over.
  if (selector.id !== undefined)
    issues.push(
      `${path}: not allowed on an instance selected by id (the failed instance is replaced, so the id would name the wrong instance afterwards): select it by tags`,
    );
  let standby: FailoverPolicy['standby'];
  const s = f.standby;
  if (s && (s.id === undefined) === (s.tags === undefined)) {
    issues.push(`${path}.standby: expected either id or tags`);
  } else if (s?.tags && Object.keys(s.tags).length === 0) {
    issues.push(`${path}.standby.tags: expected at least one tag`);
  } else if (s?.tags && selector.tags && covers(s.tags, selector.tags)) {
    issues.push(
      `${path}.standby: its tags would select the serving instance too (give the standby a tag the serving instance does not have)`,
    );
  } else if (s?.tags && selector.tags && covers(selector.tags, s.tags)) {
    issues.push(
      `${path}.standby: the target's instance tags would select the standby too (give the standby a tag value the serving instance does not have)`,
    );
  } else if (s) {
    standby = s.id !== undefined ? { id: s.id } : { tags: s.tags! };
  }
  return {
    ...(standby ? { standby } : {}),
    replaceFrom: f.replaceFrom,
    statusCheckFailedMinutes: f.after.statusCheckFailedMinutes,
  };
}

function instanceTarget(t: TargetFile, path: string, issues: Issues): InstanceTarget | undefined {
  misplaced(
    t,
    path,
    ['autoScalingGroup', 'scaleOut', 'scaleIn', 'bounds', 'imageRefresh'],
    'an instance target (use scaleUp/scaleDown)',
    issues,
  );
  const selector = t.instance!;
  if ((selector.id === undefined) === (selector.tags === undefined)) {
    issues.push(`${path}.instance: expected either id or tags`);
    return undefined;
  }
  if (selector.tags && Object.keys(selector.tags).length === 0)
    issues.push(`${path}.instance.tags: expected at least one tag`);
  const spec = t.scaleUp;
  if (!spec && !t.failover)
    issues.push(`${path}: expected scaleUp, failover or both (a target with neither does nothing)`);
  if (!spec && t.scaleDown)
    issues.push(`${path}.scaleDown: requires scaleUp, which holds the ladder of instance types`);
  if (!spec && !t.failover) return undefined;
  const failover = t.failover ? failoverOf(t.failover, selector, `${path}.failover`, issues) : undefined;
  if (spec?.healthCheck && t.failover?.healthCheck)
    issues.push(
      `${path}.failover.healthCheck: give the health check once: scaleUp.healthCheck is used by failover too`,
    );
  const healthCheck = spec?.healthCheck ?? t.failover?.healthCheck;
  const up = spec ? condition(spec.when, 'above', undefined, `${path}.scaleUp`, issues) : undefined;
  const down =
    spec && t.scaleDown
      ? condition(t.scaleDown.when, 'below', undefined, `${path}.scaleDown`, issues)
      : undefined;
  if (
    up &&
    down &&
    up.metric === down.metric &&
    up.namespace === down.namespace &&
    down.threshold >= up.threshold
  ) {
    issues.push(
      `${path}.scaleDown.when.below: must be lower than scaleUp's threshold (${up.threshold}), or the instance would flap`,
    );
  }
  const seen = new Set<string>();
  spec?.ladder.forEach((type, i) => {
    if (seen.has(type)) issues.push(`${path}.scaleUp.ladder[${i}]: ${type} is already on the ladder`);
    else if (i > 0) {
      const wrong = notBigger(spec.ladder[i - 1]!, type);
      if (wrong) issues.push(`${path}.scaleUp.ladder[${i}]: ${wrong}`);
    }
    seen.add(type);
  });
  // Without scaleUp there is no ladder, and the resize settings keep their defaults (no resize reads them).
  return {
    kind: 'instance',
    name: t.name,
    instance: selector.id !== undefined ? { id: selector.id } : { tags: selector.tags! },
    ...(up ? { scaleUp: { direction: 'high' as const, when: up } } : {}),
    ...(down ? { scaleDown: { direction: 'low' as const, when: down } } : {}),
    ladder: spec?.ladder ?? [],
    strategy: spec?.strategy ?? 'blue-green',
    ...(healthCheck ? { healthCheck } : {}),
    reboot: spec?.reboot ?? false,
    retire: spec?.retireOld ?? 'stop',
    ...(spec?.then ? { then: { scaleOut: spec.then.scaleOut } } : {}),
    ...(failover ? { failover } : {}),
    cooldownMinutes: t.cooldownMinutes,
    dryRun: t.dryRun,
  };
}

function refreshOf(
  r: NonNullable<TargetFile['imageRefresh']>,
  path: string,
  issues: Issues,
): ImageRefreshPolicy | undefined {
  const selector = r.from.instance;
  if ((selector.id === undefined) === (selector.tags === undefined)) {
    issues.push(`${path}.from.instance: expected either id or tags`);
    return undefined;
  }
  if (selector.tags && Object.keys(selector.tags).length === 0)
    issues.push(`${path}.from.instance.tags: expected at least one tag`);
  const checkpoints = r.rollout.checkpoints;
  if (checkpoints) {
    if (checkpoints.some((c, i) => i > 0 && c <= checkpoints[i - 1]!))
      issues.push(`${path}.rollout.checkpoints: expected ascending percentages`);
    if (checkpoints[checkpoints.length - 1] !== 100)
      issues.push(`${path}.rollout.checkpoints: expected the last to be 100 (as Auto Scaling requires)`);
  }
  return {
    from: { instance: selector.id !== undefined ? { id: selector.id } : { tags: selector.tags! } },
    ...(r.schedule ? { schedule: r.schedule } : {}),
    keep: r.keep,
    reboot: r.reboot,
    retire: r.retire,
    imageTimeoutMinutes: r.imageTimeoutMinutes,
    rollout: {
      minHealthyPercentage: r.rollout.minHealthyPercentage,
      warmupSeconds: r.rollout.warmupSeconds,
      skipMatching: r.rollout.skipMatching,
      autoRollback: r.rollout.autoRollback,
      ...(checkpoints ? { checkpoints } : {}),
      checkpointDelaySeconds: r.rollout.checkpointDelaySeconds,
    },
  };
}

function target(t: TargetFile, path: string, issues: Issues): Target | undefined {
  if (t.instance && t.autoScalingGroup) {
    issues.push(`${path}: expected either autoScalingGroup or instance, not both`);
    return undefined;
  }
  if (t.instance) return instanceTarget(t, path, issues);
  if (!t.autoScalingGroup) {
    issues.push(
      `${path}.autoScalingGroup: required (the group whose capacity this target changes), or instance`,
    );
    return undefined;
  }
  misplaced(t, path, ['scaleUp', 'scaleDown'], 'an Auto Scaling target (use scaleOut/scaleIn)', issues);
  misplaced(
    t,
    path,
    ['failover'],
    'an Auto Scaling target (Auto Scaling replaces failed instances itself)',
    issues,
  );
  if (!t.scaleOut && !t.scaleIn && !t.imageRefresh) {
    issues.push(
      `${path}: expected scaleOut, scaleIn, imageRefresh or several (a target with none does nothing)`,
    );
  }
  const imageRefresh = t.imageRefresh ? refreshOf(t.imageRefresh, `${path}.imageRefresh`, issues) : undefined;
  if (t.bounds && t.bounds.min > t.bounds.max) {
    issues.push(`${path}.bounds.min: must not exceed bounds.max (${t.bounds.max})`);
  }
  const rules = scalingRules(t, path, issues);
  const resolved: AutoScalingTarget = {
    kind: 'auto-scaling-group',
    name: t.name,
    autoScalingGroup: t.autoScalingGroup,
    ...rules,
    ...(t.bounds ? { bounds: t.bounds } : {}),
    ...(imageRefresh ? { imageRefresh } : {}),
    cooldownMinutes: t.cooldownMinutes,
    dryRun: t.dryRun,
  };
  return resolved;
}

/** Returns the policy, or the list of problems (each `path: problem`) when there is any. */
export function resolvePolicy(
  file: PolicyFile,
): { policy: Policy; issues: [] } | { policy?: undefined; issues: string[] } {
  const issues: Issues = [];
  const targets: Target[] = [];
  const names = new Map<string, number>();
  const groups = new Map<string, string>();
  file.targets.forEach((t, i) => {
    const path = `targets[${i}]`;
    if (names.has(t.name)) issues.push(`${path}.name: duplicate target name "${t.name}"`);
    names.set(t.name, i);
    if (t.autoScalingGroup) {
      const owner = groups.get(t.autoScalingGroup);
      if (owner)
        issues.push(
          `${path}.autoScalingGroup: "${t.autoScalingGroup}" is already managed by target "${owner}"`,
        );
      groups.set(t.autoScalingGroup, t.name);
    }
    const resolved = target(t, path, issues);
    if (resolved) targets.push(resolved);
  });
  // `then` links an instance target to an Auto Scaling target of the same policy.
  file.targets.forEach((t, i) => {
    const next = t.scaleUp?.then?.scaleOut;
    if (next && !targets.some((x) => x.name === next && x.kind === 'auto-scaling-group')) {
      issues.push(
        `targets[${i}].scaleUp.then.scaleOut: "${next}" is not an Auto Scaling target of this policy`,
      );
    }
  });
  const cleanup = file.cleanup ? resolveCleanup(file.cleanup, issues) : undefined;
  if (issues.length > 0) return { issues };
  return {
    issues: [],
    policy: {
      version: 1,
      ...(file.region ? { region: file.region } : {}),
      alarmPrefix: file.alarmPrefix,
      dryRun: file.dryRun,
      instanceRoles: file.instanceRoles,
      notifications: { emails: file.notifications.emails },
      targets,
      ...(cleanup ? { cleanup } : {}),
    },
  };
}
