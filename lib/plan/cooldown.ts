/**
 * When the cooldown of a target's last change ends, for a change in `direction`. Shrinking (scale-in,
 * a smaller type) waits for any recent change to settle; growing waits only after another growth, since
 * holding back capacity right after removing some would hurt availability (as AWS target tracking does).
 * One rule for groups and instances.
 */
import type { TargetRecord } from '../model/snapshot';

const MINUTE = 60_000;

const grows = (d: string | undefined) => d === 'out' || d === 'up';

export function cooldownEnds(
  record: TargetRecord,
  cooldownMinutes: number,
  direction: 'out' | 'in' | 'up' | 'down',
): Date | undefined {
  const { lastActionAt, lastDirection } = record;
  if (!lastActionAt) return undefined;
  if (grows(direction) && lastDirection !== undefined && !grows(lastDirection)) return undefined;
  return new Date(Date.parse(lastActionAt) + cooldownMinutes * MINUTE);
}
