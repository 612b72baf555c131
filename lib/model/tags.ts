/** Tags the orchestrator writes and honours (DESIGN §3). Keys are a public contract. */
export const TAGS = {
  /** Created or adopted by ec2-autopilot; it may change or delete it. */
  managed: 'autopilot:managed',
  /** Never changed nor deleted by ec2-autopilot, whatever the policy says. */
  protect: 'autopilot:protect',
  /** Cleanup mark: ISO date after which the resource may be deleted if still orphaned. */
  deleteAfter: 'autopilot:delete-after',
  /** AMI family for image retention. */
  lineage: 'autopilot:lineage',
  replacedBy: 'autopilot:replaced-by',
  replaces: 'autopilot:replaces',
  /** On an instance that failed: the instance its Elastic IP moved to. It is left stopped for a person. */
  failedOverTo: 'autopilot:failed-over-to',
  /** On a warm standby, adopted by reconcile: the target it stands by for. */
  standbyFor: 'autopilot:standby-for',
  /** Policy target an alarm belongs to. */
  target: 'autopilot:target',
  /** `high` or `low`: which rule of the target an alarm drives; `system-check` or `instance-check` for failover's. */
  direction: 'autopilot:direction',
} as const;

/** Tags as a plain record, from the `{ Key, Value }` lists the AWS APIs use. */
export const tagMap = (tags?: readonly { Key?: string; Value?: string }[]): Record<string, string> =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));

/** `autopilot:protect=true` (any case): never changed nor deleted. */
export const isProtected = (tags: Record<string, string>): boolean =>
  tags[TAGS.protect]?.toLowerCase() === 'true';
