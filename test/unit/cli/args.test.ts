/** The CLI's flags of issue 11: `redrive`, `--notify` (read-only commands only), `--verbose`. */
import { parseCli } from '../../../lib/cli/args';
import { cliLogger, createdLines } from '../../../lib/cli/context';

describe('parseCli', () => {
  it('knows redrive, with --stage, --dry-run and --format', () => {
    expect(parseCli(['redrive', '--stage', 'prod', '--dry-run', '--format', 'json'])).toMatchObject({
      command: 'redrive',
      stage: 'prod',
      dryRun: true,
      format: 'json',
      notify: false,
      verbose: false,
    });
  });

  it.each([['validate'], ['prices'], ['cleanup'], ['cleanup', '--mode', 'report'], ['plan', '--event', '-']])(
    'takes --notify for %s',
    (...args) => {
      expect(parseCli([...args, '--notify']).notify).toBe(true);
    },
  );

  it.each([
    [
      ['apply', '--event', '-'],
      'only validate, plan, prices, cleanup take it: apply e-mails what it does anyway',
    ],
    [['reconcile'], 'only validate, plan, prices, cleanup take it: reconcile e-mails what it does anyway'],
    [['redrive'], 'only validate, plan, prices, cleanup take it: redrive e-mails what it does anyway'],
    [['cleanup', '--mode', 'mark'], 'cleanup --mode mark e-mails its report anyway'],
  ])('refuses --notify with %j', (args, reason) => {
    expect(() => parseCli([...args, '--notify'])).toThrow(`--notify: ${reason}`);
  });

  it('takes --verbose for any command', () => {
    expect(parseCli(['validate', '--verbose']).verbose).toBe(true);
    expect(parseCli(['redrive', '--verbose']).verbose).toBe(true);
  });
});

describe('cliLogger', () => {
  const lines = (verbose: boolean, env: NodeJS.ProcessEnv = {}) => {
    const written: string[] = [];
    const log = cliLogger({ stderr: (l) => written.push(l), env }, verbose);
    log.log('debug', 'looked', { target: 'web' });
    log.log('info', 'did', { target: 'web' });
    return written.map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('prints as before without --verbose: JSON lines from info up (or the environment’s level)', () => {
    expect(lines(false)).toEqual([expect.objectContaining({ level: 'info', message: 'did', target: 'web' })]);
    expect(lines(false, { AUTOPILOT_LOG_LEVEL: 'warn' })).toEqual([]);
  });

  it('--verbose writes the functions’ JSON lines (Powertools’ format), debug included, whatever the environment says', () => {
    const written = lines(true, { AUTOPILOT_LOG_LEVEL: 'warn' });
    expect(written).toEqual([
      expect.objectContaining({ level: 'DEBUG', message: 'looked', target: 'web', service: 'ec2-autopilot' }),
      expect.objectContaining({ level: 'INFO', message: 'did', target: 'web' }),
    ]);
    expect(written[0]).toHaveProperty('timestamp');
  });
});

describe('createdLines', () => {
  it('says nothing when nothing was created', () => {
    expect(createdLines('dev', 'us-east-1', [])).toEqual([]);
  });

  it('names each resource and the deploy command that owns them', () => {
    expect(
      createdLines('prod', 'eu-west-1', [
        { kind: 'DynamoDB table', name: 'ec2-autopilot-prod-state' },
        {
          kind: 'SNS topic',
          name: 'ec2-autopilot-prod-alarms',
          arn: 'arn:aws:sns:eu-west-1:1:ec2-autopilot-prod-alarms',
        },
      ]),
    ).toEqual([
      'autopilot: stage prod is not deployed in eu-west-1; this command created what it needs:',
      'autopilot:   DynamoDB table ec2-autopilot-prod-state',
      'autopilot:   SNS topic ec2-autopilot-prod-alarms (arn:aws:sns:eu-west-1:1:ec2-autopilot-prod-alarms)',
      'autopilot: they are the resources `npx serverless deploy --stage prod` creates and owns; delete them before deploying that stage (CloudFormation does not take over a table that exists)',
    ]);
  });
});
