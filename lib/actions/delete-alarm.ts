/**
 * `delete-alarm`: an alarm of the orchestrator's whose target left the policy (reconcile), or a dead
 * alarm cleanup found: one whose resources are gone, or that has had no data for long. Cleanup re-reads
 * it first: an alarm that has data again is kept.
 */
import { defineAction, need, type Check } from './action-module';
import { fromDeleted, unmarkOf, type Orphan } from './cleanup/orphan';

const asOrphan = (a: { target: string; region?: string; alarmName: string }): Orphan => ({
  target: a.target,
  ...(a.region ? { region: a.region } : {}),
  category: 'alarm',
  resourceId: a.alarmName,
});

export const deleteAlarm = defineAction({
  type: 'delete-alarm',
  permissions: ['cloudwatch:DeleteAlarms'],
  batchKey: (a) => `${a.region ?? ''}|alarm`,

  async verify(items, ports) {
    // Reconcile deletes its own alarms, just listed: only cleanup's findings can have come back to life.
    if (!ports.cleanupReads) return items.map((): Check => ({ ok: true }));
    const fresh = await ports.cleanupReads.alarms(items.map((i) => i.action.alarmName));
    const byName = new Map(fresh.map((a) => [a.name, a]));
    return items.map(({ action, detail }): Check => {
      const alarm = byName.get(action.alarmName);
      if (!alarm) return { ok: false, detail: 'already gone' };
      if (detail?.why === 'insufficient-data' && alarm.state !== 'INSUFFICIENT_DATA')
        return {
          ok: false,
          detail: `no longer an orphan: it has data again (${alarm.state}); kept and unmarked`,
          followUp: unmarkOf(asOrphan(action)),
        };
      return { ok: true };
    });
  },

  async apply({ action: a }, ports) {
    return fromDeleted(await need(ports, 'alarmDeletes', a.type).deleteAlarm(a.alarmName), asOrphan(a));
  },

  line: (a, cost) => `${a.type}  ${a.target}  ${a.alarmName}${cost}`,
  headline: (a, verb) => `${verb}delete alarm ${a.alarmName}`,
});
