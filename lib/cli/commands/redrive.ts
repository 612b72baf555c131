/**
 * `autopilot redrive [--stage S] [--dry-run] [--format json|table]`: the events in the stage's
 * failed-events queue (`ec2-autopilot-<stage>-failed-events`, the on-failure destination of its
 * asynchronously invoked functions), fed back through the use case their function runs, once each (see
 * lib/app/redrive.ts). A message is deleted only after its event was handled; one that fails again stays
 * and is reported. `--dry-run` reads and plans, and deletes nothing.
 *
 * Exit 0 when every message was redriven (or the queue is empty); 1 when one failed again or an action
 * of a redriven event failed; 2 when the stage has no queue (not deployed).
 */
import { redrive as redriveUseCase, type RedriveReport, type RedrivenMessage } from '../../app/redrive';
import { AwsClients } from '../../aws/clients';
import { deployCommand, resourceNames } from '../../aws/deployment';
import { FailedEventsQueue } from '../../aws/failed-events';
import { ValidationError } from '../../errors';
import { EXIT, type CliContext } from '../context';

const STATUS_WORDS: Record<RedrivenMessage['status'], string> = {
  redriven: 'redriven',
  'would-redrive': 'would redrive',
  failed: 'FAILED, stays in the queue',
};

function messageLines(m: RedrivenMessage): string[] {
  const origin = [m.function ?? 'unknown function', m.failedAt ? `failed ${m.failedAt}` : '']
    .filter(Boolean)
    .join(', ');
  const lines = [`${m.messageId}  ${origin}: ${STATUS_WORDS[m.status]}${m.detail ? ` — ${m.detail}` : ''}`];
  if (m.originalError) lines.push(`    first failure: ${m.originalError}`);
  for (const a of m.result?.actions ?? [])
    lines.push(`    ${a.type} ${a.target}: ${a.status}${a.detail ? ` (${a.detail})` : ''}`);
  for (const i of m.result?.ignored ?? []) lines.push(`    ignored: ${i}`);
  for (const n of m.result?.notifications ?? []) lines.push(`    e-mailed: ${n}`);
  return lines;
}

export function renderRedrive(r: RedriveReport): string {
  const head = `Redrive ${r.dryRun ? '(dry run) ' : ''}of ${r.queue}: ${r.totals.received} message${r.totals.received === 1 ? '' : 's'}`;
  if (r.messages.length === 0) return `${head}, nothing to do`;
  const tally = r.dryRun
    ? 'none deleted'
    : `${r.totals.redriven} redriven and deleted, ${r.totals.failed} left in the queue`;
  return [`${head}; ${tally}`, ...r.messages.flatMap(messageLines)].join('\n');
}

export async function redrive(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  const region = ctx.regionOrFail(policy);
  const name = resourceNames(ctx.stage).failedEventsQueue;
  // The queue first: without it the stage is not deployed, and nothing else is looked at or created.
  const queue = await FailedEventsQueue.find(new AwsClients({ region }), name);
  if (!queue)
    throw new ValidationError(
      '--stage',
      `stage ${ctx.stage} is not deployed in ${region}: there is no SQS queue ${name} (deploy it: ${deployCommand(ctx.stage)})`,
    );
  const { rt, deployment } = await ctx.runtime(policy);
  const report = await redriveUseCase({ rt, deployment, queue, dryRun: ctx.args.dryRun });
  ctx.io.stdout(ctx.args.format === 'json' ? JSON.stringify(report, null, 2) : renderRedrive(report));
  for (const m of report.messages)
    if (m.status === 'failed' || m.deleted === false)
      ctx.io.stderr(
        `autopilot: message ${m.messageId} (${m.function ?? 'unknown'}) not redriven: ${m.detail}`,
      );
  return report.totals.failed > 0 || report.totals.actionsFailed > 0 ? EXIT.failed : EXIT.ok;
}
