/**
 * The `autopilot` command. Errors become exit codes: 2 for bad input (with a one-line reason naming the
 * field), 1 for a failed action or AWS call, 0 otherwise.
 */
import { AutopilotError, PolicyError, ValidationError, errorMessage } from '../errors';
import { parseCli, USAGE, type CliArgs } from './args';
import { CliContext, EXIT, type Io } from './context';
import { apply, plan } from './commands/plan-apply';
import { reconcile } from './commands/reconcile';
import { refreshImage } from './commands/refresh-image';
import { resize } from './commands/resize';
import { prices } from './commands/prices';
import { cleanup } from './commands/cleanup';
import { redrive } from './commands/redrive';
import { schema } from './commands/schema';
import { validate } from './commands/validate';
import { sandbox } from './commands/sandbox';

const VERSION = '0.1.0';

async function dispatch(ctx: CliContext): Promise<number> {
  switch (ctx.args.command) {
    case 'help':
      ctx.io.stdout(USAGE);
      return EXIT.ok;
    case 'version':
      ctx.io.stdout(VERSION);
      return EXIT.ok;
    case 'validate':
      return validate(ctx);
    case 'plan':
      return plan(ctx);
    case 'apply':
      return apply(ctx);
    case 'reconcile':
      return reconcile(ctx);
    case 'resize':
      return resize(ctx);
    case 'refresh-image':
      return refreshImage(ctx);
    case 'prices':
      return prices(ctx);
    case 'cleanup':
      return cleanup(ctx);
    case 'redrive':
      return redrive(ctx);
    case 'schema':
      return schema(ctx);
    case 'sandbox':
      return sandbox(ctx);
  }
}

function reportBadInput(io: Io, args: CliArgs | undefined, error: ValidationError | PolicyError): number {
  if (args?.format === 'json') {
    const issues = error instanceof PolicyError ? error.issues : [error.message];
    io.stdout(JSON.stringify({ error: error.name, message: error.message, issues }, null, 2));
  }
  io.stderr(`autopilot: ${error.message}`);
  if (error instanceof PolicyError && error.issues.length > 1) {
    for (const issue of error.issues.slice(1)) io.stderr(`  ${issue}`);
  }
  return EXIT.badInput;
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseCli(argv);
    return await dispatch(new CliContext(args, io));
  } catch (error) {
    if (error instanceof ValidationError || error instanceof PolicyError)
      return reportBadInput(io, args, error);
    const message = error instanceof AutopilotError ? error.message : errorMessage(error);
    if (args?.format === 'json')
      io.stdout(JSON.stringify({ error: (error as Error).name ?? 'Error', message }, null, 2));
    io.stderr(`autopilot: ${message}`);
    return EXIT.failed;
  }
}
