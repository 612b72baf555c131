/**
 * Command-line parsing: `autopilot <command> [flags]`. Unknown flags and commands are bad input (exit 2)
 * with a one-line reason naming the flag.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../errors';

export const COMMANDS = [
  'validate',
  'reconcile',
  'plan',
  'apply',
  'resize',
  'refresh-image',
  'prices',
  'cleanup',
  'redrive',
  'sandbox',
  'schema',
] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command | 'help' | 'version';
  config?: string;
  event?: string;
  format: 'json' | 'table';
  dryRun: boolean;
  stage?: string;
  region?: string;
  keep: boolean;
  /** `resize`: the instance, its new type, and optionally the strategy. */
  instanceId?: string;
  to?: string;
  strategy?: 'in-place' | 'blue-green';
  /** `refresh-image`: the policy target whose image is refreshed. */
  target?: string;
  /** `prices`: the types to show, and whether to ask the Pricing API. */
  types?: string[];
  refresh?: boolean;
  /** `cleanup`: the mode (overrides the policy's) and the regions (`--region` may repeat). */
  mode?: 'report' | 'mark' | 'delete';
  regions?: string[];
  /** `validate`, `plan`, `prices`, `cleanup` in report mode: e-mail the result (they send none otherwise). */
  notify: boolean;
  /** Write the JSON log lines, down to debug, on stderr. */
  verbose: boolean;
}

/** The commands that change nothing, and so e-mail only when asked (`--notify`). */
export const NOTIFY_ON_REQUEST: readonly Command[] = ['validate', 'plan', 'prices', 'cleanup'];

const OPTIONS = {
  config: { type: 'string' },
  event: { type: 'string' },
  format: { type: 'string' },
  'dry-run': { type: 'boolean' },
  stage: { type: 'string' },
  region: { type: 'string', multiple: true },
  mode: { type: 'string' },
  keep: { type: 'boolean' },
  to: { type: 'string' },
  refresh: { type: 'boolean' },
  strategy: { type: 'string' },
  notify: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export const USAGE = `Usage: autopilot <command> [options]

Commands:
  validate                 check the policy file and print what it means
  reconcile                create/repair the policy's alarms; re-check alarms still in ALARM
  plan --event FILE|-      print what an event would do; changes nothing
  apply --event FILE|-     do it: change capacity, e-mail the decision (once per event)
  resize ID --to TYPE      resize an instance now [--strategy in-place|blue-green], keeping its Elastic IP
  refresh-image TARGET     a new image of the target's source instance, rolled out to its group, old images retired
  prices [TYPE...]         the dated on-demand price table [--refresh: beside the Pricing API's prices]
  cleanup                  find orphaned resources, with their monthly cost [--mode report|mark|delete]
  redrive                  feed the events whose invocation failed for good back through their use case
  schema                   print the policy file's JSON Schema (for editors)
  sandbox                  run the local sandbox against a local AWS (npm start)

Options:
  --config FILE            policy file (default: $AUTOPILOT_CONFIG, else ./autopilot.yml)
  --format json|table      output format (default: table); json prints one document on stdout
  --dry-run                plan and notify "would do", change nothing (redrive: read, delete nothing)
  --notify                 validate, plan, prices, cleanup --mode report: e-mail the result to the
                           deployed stage's notifications topic (they change nothing, and e-mail nothing
                           unless asked)
  --verbose                write the JSON log lines (down to debug) on stderr
  --stage NAME             deployment stage whose topics and table to use (default: $AUTOPILOT_STAGE, else dev)
  --region REGION          AWS region (default: the policy's region, else $AWS_REGION); cleanup: may repeat
  --mode MODE              cleanup: report (change nothing), mark (tag with a deletion date), delete
  -h, --help               this help

Exit codes: 0 success (also "nothing to do" and "ignored"), 1 an action failed, 2 bad input.
AWS access uses the standard environment (AWS_REGION, AWS_PROFILE, credentials, AWS_ENDPOINT_URL).`;

export function parseCli(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '(arguments)';
    throw new ValidationError(
      flag,
      message.includes('Unknown option') ? 'unknown option' : message.split('\n')[0]!,
    );
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  const bare = { format: 'table', dryRun: false, keep: false, notify: false, verbose: false } as const;
  if (values.version) return { command: 'version', ...bare };
  if (values.help || name === undefined || name === 'help') return { command: 'help', ...bare };
  if (!(COMMANDS as readonly string[]).includes(name)) {
    throw new ValidationError(
      '(command)',
      `unknown command "${name}" (expected one of ${COMMANDS.join(', ')})`,
    );
  }
  const resize = name === 'resize' ? resizeArgs(extra, values.to, values.strategy) : undefined;
  const priced = name === 'prices' ? { types: extra, refresh: values.refresh ?? false } : undefined;
  const refreshed = name === 'refresh-image' ? refreshArgs(extra) : undefined;
  if (!resize && !priced && !refreshed && extra.length > 0)
    throw new ValidationError('(arguments)', `unexpected argument "${extra[0]}"`);
  const format = values.format ?? 'table';
  if (format !== 'json' && format !== 'table')
    throw new ValidationError('--format', 'expected json or table');
  const command = name as Command;
  const regions = values.region ?? [];
  if (regions.length > 1 && command !== 'cleanup')
    throw new ValidationError(
      '--region',
      `given ${regions.length} times; only cleanup scans several regions`,
    );
  const cleanup = command === 'cleanup' ? cleanupArgs(values.mode, regions) : undefined;
  if (!cleanup && values.mode !== undefined) throw new ValidationError('--mode', 'only cleanup takes a mode');
  if (values.notify && !NOTIFY_ON_REQUEST.includes(command))
    throw new ValidationError(
      '--notify',
      `only ${NOTIFY_ON_REQUEST.join(', ')} take it: ${command} e-mails what it does anyway`,
    );
  if (values.notify && cleanup?.mode && cleanup.mode !== 'report')
    throw new ValidationError('--notify', `cleanup --mode ${cleanup.mode} e-mails its report anyway`);
  if ((command === 'plan' || command === 'apply') && !values.event) {
    throw new ValidationError('--event', `required by ${command} (a file with the event, or - for stdin)`);
  }
  return {
    command,
    format,
    dryRun: values['dry-run'] ?? false,
    keep: values.keep ?? false,
    notify: values.notify ?? false,
    verbose: values.verbose ?? false,
    ...(values.config ? { config: values.config } : {}),
    ...(values.event ? { event: values.event } : {}),
    ...(values.stage ? { stage: values.stage } : {}),
    ...(regions.length > 0 ? { region: regions[0]! } : {}),
    ...resize,
    ...refreshed,
    ...priced,
    ...cleanup,
  };
}

function cleanupArgs(mode: string | undefined, regions: string[]) {
  if (mode !== undefined && mode !== 'report' && mode !== 'mark' && mode !== 'delete')
    throw new ValidationError('--mode', 'expected report, mark or delete');
  for (const r of regions)
    if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(r))
      throw new ValidationError('--region', `"${r}" is not a region code such as eu-west-1`);
  return {
    ...(mode ? { mode: mode as 'report' | 'mark' | 'delete' } : {}),
    ...(regions.length ? { regions } : {}),
  };
}

function refreshArgs(positionals: string[]) {
  const [target, ...more] = positionals;
  if (!target)
    throw new ValidationError('(arguments)', 'refresh-image needs the target: autopilot refresh-image web');
  if (more.length > 0) throw new ValidationError('(arguments)', `unexpected argument "${more[0]}"`);
  return { target };
}

function resizeArgs(positionals: string[], to: string | undefined, strategy: string | undefined) {
  const [instanceId, ...more] = positionals;
  if (!instanceId)
    throw new ValidationError(
      '(arguments)',
      'resize needs the instance id: autopilot resize i-0123… --to t3.small',
    );
  if (!/^i-[0-9a-f]{8,17}$/.test(instanceId))
    throw new ValidationError('(arguments)', `"${instanceId}" is not an instance id`);
  if (more.length > 0) throw new ValidationError('(arguments)', `unexpected argument "${more[0]}"`);
  if (!to) throw new ValidationError('--to', 'required by resize (the new instance type)');
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(to))
    throw new ValidationError('--to', `"${to}" is not an instance type`);
  if (strategy !== undefined && strategy !== 'in-place' && strategy !== 'blue-green') {
    throw new ValidationError('--strategy', 'expected in-place or blue-green');
  }
  return { instanceId, to, ...(strategy ? { strategy: strategy as 'in-place' | 'blue-green' } : {}) };
}
