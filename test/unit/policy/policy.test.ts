import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, loadPolicy } from '../../../lib/policy/load';
import { policyJsonSchema } from '../../../lib/policy/json-schema';
import { SEED_POLICY, blogPolicy, issuesOf } from '../../support/builders';

const ROOT = join(__dirname, '..', '..', '..');

describe('the seed policy', () => {
  it('is accepted as it is and means what it says', () => {
    const policy = parsePolicy(SEED_POLICY);
    expect(policy).toEqual({
      version: 1,
      alarmPrefix: 'autopilot',
      dryRun: false,
      instanceRoles: [],
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
      'a group name with an invisible character',
      'version: 1\ntargets:\n  - name: web\n    autoScalingGroup: "web\u200b-asg"\n    scaleOut: { when: { above: 1 }, add: 1 }',
      'targets[0].autoScalingGroup: expected a group name without control or invisible characters',
    ],
    [
      'a group name with a control character',
      'version: 1\ntargets:\n  - name: web\n    autoScalingGroup: "web\tasg"\n    scaleOut: { when: { above: 1 }, add: 1 }',
      'targets[0].autoScalingGroup: expected a group name without control or invisible characters',
    ],
    [
      // autopilot-* would also match the alarms (and be granted the alarms) of a prefix autopilot-staging.
      'an alarm prefix with a "-" in it',
      'version: 1\nalarmPrefix: autopilot-staging',
      'alarmPrefix: expected letters, digits or "_" (at most 41), no "-"',
    ],
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
    ['a target with no rule', target(''), 'targets[0]: expected scaleOut, scaleIn, imageRefresh or several'],
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

describe('ladders go up', () => {
  const withLadder = (ladder: string) => blogPolicy(`      ladder: ${ladder}\n      strategy: blue-green`);

  it.each([
    [
      'a descending ladder',
      '[t2.large, t2.micro]',
      'targets[0].scaleUp.ladder[1]: t2.micro is not bigger than t2.large',
    ],
    [
      'a smaller size of another family',
      '[m5.xlarge, c5.large]',
      'targets[0].scaleUp.ladder[1]: c5.large is not bigger than m5.xlarge',
    ],
    [
      'a size repeated in the family',
      '[m5.2xlarge, m5.2xlarge]',
      'targets[0].scaleUp.ladder[1]: m5.2xlarge is already on the ladder',
    ],
  ])('rejects %s', (_name, ladder, expected) => {
    expect(issuesOf(withLadder(ladder))).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it.each([
    ['one size at a time', '[t2.micro, t2.small, t2.medium, t2.large]'],
    ['through the numbered sizes', '[m5.large, m5.xlarge, m5.2xlarge, m5.4xlarge]'],
    ['to another family of the same size', '[t3.large, m5.large, m5.xlarge]'],
  ])('accepts %s', (_name, ladder) => {
    expect(() => parsePolicy(withLadder(ladder))).not.toThrow();
  });
});

it('names the file and stops on a YAML document that expands too far (an alias bomb)', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 9; i += 1) {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    lines.push(
      `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
    );
  }
  expect(() => parsePolicy(lines.join('\n'), 'bomb.yml')).toThrow(/^bomb\.yml: cannot read the YAML: /);
});

describe("CloudWatch's limits, checked at validate", () => {
  const withWhen = (when: string) =>
    SEED_POLICY.replace(/scaleOut: \{ when: \{[^}]*\}/, `scaleOut: { when: { ${when} }`);

  it.each([
    [
      'a metric name over 255 characters',
      `metric: ${'M'.repeat(256)}, above: 70`,
      'targets[0].scaleOut.when.metric: expected a metric name of at most 255 characters',
    ],
    [
      'a namespace with a control character',
      'namespace: "AWS/\\u0007EC2", above: 70',
      'targets[0].scaleOut.when.namespace: expected a namespace of printable characters',
    ],
    [
      'more than a day of evaluation',
      'above: 70, forMinutes: 1441',
      'targets[0].scaleOut.when.forMinutes: expected at most 1440 minutes',
    ],
  ])('rejects %s', (_name, when, expected) => {
    const text = withWhen(when);
    expect(text).not.toBe(SEED_POLICY);
    expect(issuesOf(text)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

describe('imageRefresh', () => {
  const ISSUE_EXAMPLE = `version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    imageRefresh:
      from: { instance: { tags: { Role: golden } } }
      schedule: cron(0 3 * * ? *)
      keep: 2
      rollout: { minHealthyPercentage: 90, warmupSeconds: 300 }
`;

  it('is accepted as the issue writes it, on a target with no scaling rule, with every default', () => {
    expect(parsePolicy(ISSUE_EXAMPLE).targets[0]).toEqual({
      kind: 'auto-scaling-group',
      name: 'web',
      autoScalingGroup: 'web-asg',
      imageRefresh: {
        from: { instance: { tags: { Role: 'golden' } } },
        schedule: 'cron(0 3 * * ? *)',
        keep: 2,
        reboot: false,
        retire: 'deregister',
        imageTimeoutMinutes: 60,
        rollout: {
          minHealthyPercentage: 90,
          warmupSeconds: 300,
          skipMatching: true,
          autoRollback: true,
          checkpointDelaySeconds: 3600,
        },
      },
      cooldownMinutes: 5,
      dryRun: false,
    });
  });

  it.each([
    [
      'a percentage over 100',
      'rollout: { minHealthyPercentage: 120 }',
      'imageRefresh.rollout.minHealthyPercentage: expected a percentage from 0 to 100',
    ],
    [
      'checkpoints not ascending',
      'rollout: { checkpoints: [50, 20, 100] }',
      'imageRefresh.rollout.checkpoints: expected ascending percentages',
    ],
    [
      'checkpoints not ending at 100',
      'rollout: { checkpoints: [50] }',
      'imageRefresh.rollout.checkpoints: expected the last to be 100',
    ],
    ['keep 0', 'keep: 0', 'imageRefresh.keep: expected a whole number from 1 to 100'],
    ['a bad schedule', 'schedule: daily', 'imageRefresh.schedule: expected an EventBridge schedule'],
  ])('refuses %s, naming the field', (_name, extra, expected) => {
    const text = `version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    imageRefresh:
      from: { instance: { tags: { Role: golden } } }
      ${extra}
`;
    expect(issuesOf(text).join('\n')).toContain(`targets[0].${expected}`);
  });

  it('needs its source instance', () => {
    expect(
      issuesOf(
        'version: 1\ntargets:\n  - name: web\n    autoScalingGroup: web-asg\n    imageRefresh: { from: { instance: {} } }\n',
      ).join('\n'),
    ).toContain('targets[0].imageRefresh.from.instance: expected either id or tags');
  });

  it('is not allowed on an instance target', () => {
    expect(
      issuesOf(
        'version: 1\ntargets:\n  - name: blog\n    instance: { id: i-0123456789abcdef0 }\n    scaleUp: { ladder: [t3.micro, t3.small] }\n    imageRefresh: { from: { instance: { id: i-0123456789abcdef0 } } }\n',
      ).join('\n'),
    ).toContain('targets[0].imageRefresh: not allowed on an instance target');
  });
});

describe('failover', () => {
  const ISSUE_EXAMPLE = `version: 1
targets:
  - name: blog
    instance: { tags: { Name: wordpress } }
    failover:
      standby: { tags: { Name: wordpress-standby } }   # optional warm standby
      replaceFrom: latest-image                       # or: none
      after: { statusCheckFailedMinutes: 2 }
`;
  /** The blog target selected by `instance`, with the given lines under it. */
  const blog = (lines: string, instance = '{ tags: { Name: wordpress } }') =>
    `version: 1\ntargets:\n  - name: blog\n    instance: ${instance}\n${lines}`;

  it('is accepted as the issue writes it, on a target with no scaleUp: no ladder, no scaling alarm', () => {
    expect(parsePolicy(ISSUE_EXAMPLE).targets[0]).toEqual({
      kind: 'instance',
      name: 'blog',
      instance: { tags: { Name: 'wordpress' } },
      ladder: [],
      strategy: 'blue-green',
      reboot: false,
      retire: 'stop',
      failover: {
        standby: { tags: { Name: 'wordpress-standby' } },
        replaceFrom: 'latest-image',
        statusCheckFailedMinutes: 2,
      },
      cooldownMinutes: 5,
      dryRun: false,
    });
  });

  it('defaults to a replacement from the latest image after 2 minutes, with no standby', () => {
    expect(parsePolicy(blog('    failover: {}\n')).targets[0]).toMatchObject({
      failover: { replaceFrom: 'latest-image', statusCheckFailedMinutes: 2 },
    });
    expect(parsePolicy(blog('    failover: { after: {} }\n')).targets[0]).toMatchObject({
      failover: { statusCheckFailedMinutes: 2 },
    });
    const target = parsePolicy(blog('    failover: {}\n')).targets[0];
    expect(target).not.toHaveProperty('failover.standby');
    expect(target).not.toHaveProperty('healthCheck');
  });

  it('takes a standby by id, replaceFrom none, and its own health check (with its defaults)', () => {
    expect(
      parsePolicy(
        blog(
          '    failover:\n      standby: { id: i-0123456789abcdef0 }\n      replaceFrom: none\n      after: { statusCheckFailedMinutes: 5 }\n      healthCheck: { path: /health }\n',
        ),
      ).targets[0],
    ).toMatchObject({
      healthCheck: { path: '/health', port: 80, expectStatus: 200, timeoutSeconds: 300, host: 'public-ip' },
      failover: {
        standby: { id: 'i-0123456789abcdef0' },
        replaceFrom: 'none',
        statusCheckFailedMinutes: 5,
      },
    });
  });

  it('goes with scaleUp on one target, whose health check it uses', () => {
    const text = blogPolicy(
      '      ladder: [t3.small, t3.medium]\n      healthCheck: { path: /health }\n    failover: { replaceFrom: none }',
    );
    const target = parsePolicy(text).targets[0];
    expect(target).toMatchObject({
      kind: 'instance',
      ladder: ['t3.small', 't3.medium'],
      scaleUp: { direction: 'high', when: { threshold: 70 } },
      scaleDown: { direction: 'low', when: { threshold: 30 } },
      healthCheck: { path: '/health' },
      failover: { replaceFrom: 'none', statusCheckFailedMinutes: 2 },
      cooldownMinutes: 15,
    });
  });

  it.each([
    [
      'a target with neither scaleUp nor failover',
      blog('    cooldownMinutes: 5\n'),
      'targets[0]: expected scaleUp, failover or both (a target with neither does nothing)',
    ],
    [
      'a scaleDown without scaleUp',
      blog('    failover: {}\n    scaleDown: { when: { below: 30 } }\n'),
      'targets[0].scaleDown: requires scaleUp, which holds the ladder',
    ],
    [
      'a health check given twice',
      blogPolicy(
        '      ladder: [t3.small, t3.medium]\n      healthCheck: { path: /health }\n    failover: { healthCheck: { path: /up } }',
      ),
      'targets[0].failover.healthCheck: give the health check once: scaleUp.healthCheck is used by failover too',
    ],
    [
      'a target selected by id',
      blog('    failover: {}\n', '{ id: i-0123456789abcdef0 }'),
      'targets[0].failover: not allowed on an instance selected by id',
    ],
    [
      'a standby with the tags of the serving instance',
      blog('    failover: { standby: { tags: { Name: wordpress } } }\n'),
      'targets[0].failover.standby: its tags would select the serving instance too',
    ],
    [
      'a standby whose tags are part of the serving instance’s',
      blog(
        '    failover: { standby: { tags: { Env: prod } } }\n',
        '{ tags: { Name: wordpress, Env: prod } }',
      ),
      'targets[0].failover.standby: its tags would select the serving instance too',
    ],
    [
      'a standby the target’s own tags would select',
      blog('    failover: { standby: { tags: { Name: wordpress, Role: standby } } }\n'),
      "targets[0].failover.standby: the target's instance tags would select the standby too",
    ],
    [
      'a standby with both id and tags',
      blog('    failover: { standby: { id: i-0123456789abcdef0, tags: { Name: spare } } }\n'),
      'targets[0].failover.standby: expected either id or tags',
    ],
    [
      'a standby with neither',
      blog('    failover: { standby: {} }\n'),
      'targets[0].failover.standby: expected either id or tags',
    ],
    [
      'a standby with no tag',
      blog('    failover: { standby: { tags: {} } }\n'),
      'targets[0].failover.standby.tags: expected at least one tag',
    ],
    [
      'an unknown replaceFrom',
      blog('    failover: { replaceFrom: snapshot }\n'),
      'targets[0].failover.replaceFrom: expected latest-image or none',
    ],
    [
      'a failure of 0 minutes',
      blog('    failover: { after: { statusCheckFailedMinutes: 0 } }\n'),
      'targets[0].failover.after.statusCheckFailedMinutes: expected a whole number of minutes from 1 to 60',
    ],
    [
      'a failure of over an hour',
      blog('    failover: { after: { statusCheckFailedMinutes: 61 } }\n'),
      'targets[0].failover.after.statusCheckFailedMinutes: expected a whole number of minutes from 1 to 60',
    ],
    [
      'a misspelt key',
      blog('    failover: { after: { statusCheckFailedMins: 2 } }\n'),
      'targets[0].failover.after.statusCheckFailedMins: unknown key',
    ],
    [
      'failover on an Auto Scaling target',
      target('    scaleOut: { when: { above: 70 }, add: 1 }\n    failover: {}'),
      'targets[0].failover: not allowed on an Auto Scaling target (Auto Scaling replaces failed instances itself)',
    ],
  ])('refuses %s, naming the field', (_name, text, expected) => {
    expect(issuesOf(text)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it('reports only the missing rule for a target with neither', () => {
    expect(issuesOf(blog('    cooldownMinutes: 5\n'))).toEqual([
      'targets[0]: expected scaleUp, failover or both (a target with neither does nothing)',
    ]);
  });
});
