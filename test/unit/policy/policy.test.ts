import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, loadPolicy } from '../../../lib/policy/load';
import { policyJsonSchema } from '../../../lib/policy/json-schema';
import { SEED_POLICY, issuesOf } from '../../support/builders';

const ROOT = join(__dirname, '..', '..', '..');

describe('the seed policy', () => {
  it('is accepted as it is and means what it says', () => {
    const policy = parsePolicy(SEED_POLICY);
    expect(policy).toEqual({
      version: 1,
      alarmPrefix: 'autopilot',
      dryRun: false,
      notifications: { emails: ['ops@example.com'] },
      targets: [
        {
          kind: 'auto-scaling-group',
          name: 'web',
          autoScalingGroup: 'web-asg',
          scaleOut: {
            direction: 'high',
            step: { kind: 'fixed', count: 2 },
            when: {
              metric: 'CPUUtilization',
              namespace: 'AWS/EC2',
              statistic: 'Average',
              comparison: 'above',
              threshold: 70,
              forMinutes: 5,
              periodSeconds: 60,
            },
          },
          scaleIn: {
            direction: 'low',
            step: { kind: 'fixed', count: 1 },
            when: {
              metric: 'CPUUtilization',
              namespace: 'AWS/EC2',
              statistic: 'Average',
              comparison: 'below',
              threshold: 30,
              forMinutes: 5,
              periodSeconds: 60,
            },
          },
          bounds: { min: 1, max: 5 },
          cooldownMinutes: 5,
          dryRun: false,
        },
      ],
    });
  });

  it('is the web target of the autopilot.yml shipped at the top of the repository', () => {
    const shipped = loadPolicy(join(ROOT, 'autopilot.yml'));
    expect(shipped.targets.find((t) => t.name === 'web')).toEqual(parsePolicy(SEED_POLICY).targets[0]);
    expect(shipped.targets.find((t) => t.name === 'blog')).toMatchObject({
      kind: 'instance',
      strategy: 'blue-green',
    });
  });
});

const target = (body: string) =>
  `version: 1\ntargets:\n  - name: web\n    autoScalingGroup: web-asg\n${body}`;

describe('errors name the path of the bad field', () => {
  it.each([
    [
      'a negative step',
      target('    scaleOut: { when: { above: 70 }, add: -2 }'),
      'targets[0].scaleOut.add: expected a positive integer',
    ],
    [
      'a fractional step',
      target('    scaleOut: { when: { above: 70 }, add: 1.5 }'),
      'targets[0].scaleOut.add: expected a positive integer',
    ],
    [
      'a step given as text',
      target('    scaleOut: { when: { above: 70 }, add: two }'),
      'targets[0].scaleOut.add: expected a positive integer',
    ],
    [
      'a misspelt key',
      target('    scaleOut: { when: { above: 70 }, ad: 2 }'),
      'targets[0].scaleOut.ad: unknown key',
    ],
    ['a misspelt top-level key', 'version: 1\ntarget: []', 'target: unknown key'],
    ['an unknown version', 'version: 2', 'version: expected 1 (the only policy version)'],
    ['a missing version', 'targets: []', 'version: expected 1 (the only policy version)'],
    [
      'a bad e-mail',
      'version: 1\nnotifications: { emails: [ops-at-example] }',
      'notifications.emails[0]: expected an e-mail address',
    ],
    [
      'a bad statistic',
      target('    scaleOut: { when: { above: 70, statistic: Mean }, add: 1 }'),
      'targets[0].scaleOut.when.statistic: expected one of Average, Maximum, Minimum, Sum, SampleCount',
    ],
    [
      'a bad period',
      target('    scaleOut: { when: { above: 70, periodSeconds: 45 }, add: 1 }'),
      'targets[0].scaleOut.when.periodSeconds: expected a period of 10, 20, 30 or a multiple of 60 seconds',
    ],
    [
      'a bad target name',
      'version: 1\ntargets:\n  - name: "web server"\n    autoScalingGroup: a\n    scaleOut: { when: { above: 1 }, add: 1 }',
      'targets[0].name: expected letters, digits',
    ],
    ['a bad region', 'version: 1\nregion: Ireland', 'region: expected a region code such as eu-west-1'],
    [
      'a negative cooldown',
      target('    scaleOut: { when: { above: 70 }, add: 1 }\n    cooldownMinutes: -1'),
      'targets[0].cooldownMinutes: expected a whole number ≥ 0',
    ],
  ])('%s', (_name, text, expected) => {
    expect(issuesOf(text)[0]).toContain(expected);
  });
});

describe('rules a schema cannot express', () => {
  it.each([
    [
      'a step and a target at once',
      target('    scaleOut: { when: { above: 70 }, add: 2, target: 60 }'),
      'targets[0].scaleOut: expected either add (fixed step) or target (proportional), not both',
    ],
    [
      'neither a step nor a target',
      target('    scaleOut: { when: { above: 70 } }'),
      'targets[0].scaleOut.add: required',
    ],
    [
      'no threshold',
      target('    scaleOut: { when: { metric: CPUUtilization }, add: 2 }'),
      'targets[0].scaleOut.when.above: required',
    ],
    [
      'a scale-out with a "below"',
      target('    scaleOut: { when: { below: 70 }, add: 2 }'),
      'targets[0].scaleOut.when.below: not allowed here',
    ],
    [
      'a scale-in threshold above the scale-out one',
      target(
        '    scaleOut: { when: { above: 50 }, add: 1 }\n    scaleIn: { when: { below: 60 }, remove: 1 }',
      ),
      "targets[0].scaleIn.when.below: must be lower than scaleOut's threshold (50)",
    ],
    [
      'bounds upside down',
      target('    scaleOut: { when: { above: 50 }, add: 1 }\n    bounds: { min: 5, max: 2 }'),
      'targets[0].bounds.min: must not exceed bounds.max (2)',
    ],
    ['a target with no rule', target(''), 'targets[0]: expected scaleOut, scaleIn or both'],
    [
      'no group',
      'version: 1\ntargets:\n  - name: web\n    scaleOut: { when: { above: 1 }, add: 1 }',
      'targets[0].autoScalingGroup: required',
    ],
  ])('%s', (_name, text, expected) => {
    expect(issuesOf(text)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it('rejects two targets with one name, and two targets on one group', () => {
    const text = `version: 1
targets:
  - { name: web, autoScalingGroup: a, scaleOut: { when: { above: 1 }, add: 1 } }
  - { name: web, autoScalingGroup: a, scaleOut: { when: { above: 1 }, add: 1 } }`;
    expect(issuesOf(text)).toEqual([
      'targets[1].name: duplicate target name "web"',
      'targets[1].autoScalingGroup: "a" is already managed by target "web"',
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      issuesOf(target('    scaleOut: { when: { above: 70 }, add: 0 }\n    cooldownMinutes: x')),
    ).toHaveLength(2);
  });
});

describe('files', () => {
  it('says which line of broken YAML is wrong', () => {
    expect(issuesOf('version: 1\ntargets: [\n')[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('reports a missing file by name', () => {
    expect(() => loadPolicy('/nonexistent/autopilot.yml')).toThrow(
      '/nonexistent/autopilot.yml: file not found',
    );
  });

  it('treats an empty file as missing its version', () => {
    expect(issuesOf('')).toEqual(['version: expected 1 (the only policy version)']);
  });
});

describe('JSON Schema for editors', () => {
  it('is generated from the zod schema and committed as autopilot.schema.json', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'autopilot.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(policyJsonSchema());
  });

  it('describes the input, with defaults and required fields', () => {
    const schema = policyJsonSchema() as {
      required: string[];
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.required).toEqual(['version']);
    expect(schema.properties.alarmPrefix?.default).toBe('autopilot');
  });
});
