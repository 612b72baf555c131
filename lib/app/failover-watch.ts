/**
 * Reconcile's look at each failover target: is its Elastic IP on an instance that runs? EC2's state-change
 * events are delivered at best effort, and a status-check alarm says nothing of a stopped instance, so
 * a target whose address is on a stopped or terminated instance, or on nothing (AWS disassociates it
 * from a terminated one), is handed to the failover path as a `failover-check`: it re-checks everything
 * on fresh state, as for an event. A running instance is left to its status-check alarms.
 */
import type { FailoverCheckTrigger } from '../events/trigger';
import type { Execution } from '../model/plan';
import { failoverTargets } from '../plan/route';
import { applyTrigger } from './handle-trigger';
import type { Runtime } from './runtime';

export async function watchFailovers(rt: Runtime): Promise<Execution[]> {
  const executions: Execution[] = [];
  for (const target of failoverTargets(rt.policy)) {
    const address = await rt.instances.addressOfTarget(target.name);
    // Not adopted yet (reconcile tags the address with its instance), or the target has none.
    if (!address) continue;
    const holder = address.instanceId ? await rt.instances.get(address.instanceId) : undefined;
    if (holder?.state === 'running' || holder?.state === 'pending') continue;
    const trigger: FailoverCheckTrigger = {
      kind: 'failover-check',
      target: target.name,
      ...(holder ? { instanceId: holder.id } : {}),
      seen: holder
        ? `${address.publicIp} on ${holder.id}, which is ${holder.state}`
        : `${address.publicIp} on no instance`,
      time: rt.now().toISOString(),
      region: rt.aws.region,
    };
    executions.push(await applyTrigger(rt, trigger));
  }
  return executions;
}
