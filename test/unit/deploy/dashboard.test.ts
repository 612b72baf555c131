/**
 * The dashboard from the policy, as CloudFormation would render it: a row per target with its alarms,
 * what they watch and its capacity with the decisions taken for it; then the orchestrator itself. Pure.
 */
import { dashboardResource } from '../../../lib/deploy/dashboard';
import { selfAlarms } from '../../../lib/deploy/self-alarms';
import { FUNCTIONS, functionLogicalId, STATE_MACHINES } from '../../../lib/deploy/stack';
import { parsePolicy } from '../../../lib/policy/load';
import { renderDashboard, widgetAlarms, widgetMetrics, type DashboardWidget } from '../../support/dashboard';

const NAMES = { service: 'ec2-autopilot', stage: 'prod' };
const POLICY = `
version: 1
alarmPrefix: ops
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { above: 70 }, add: 1 }
    scaleIn: { when: { below: 20 }, remove: 1 }
  - name: blog
    instance: { tags: { Name: wordpress } }
    scaleUp: { when: { above: 80 }, ladder: [t3.small, t3.medium] }
    failover:
      replaceFrom: latest-image
  - name: batch
    autoScalingGroup: 'odd \${name} group'
    imageRefresh: { from: { instance: { tags: { Role: golden } } } }
`;

const render = (text = POLICY) => renderDashboard(dashboardResource(parsePolicy(text), NAMES));
const arn = (region: string, name: string) =>
  `arn:<AWS::Partition>:cloudwatch:${region}:<AWS::AccountId>:alarm:${name}`;
const titled = (widgets: DashboardWidget[], start: string) =>
  widgets.filter((w) => w.properties.title?.startsWith(start));

it('is named after the stack, and fills in only pseudo parameters and resources of the stack', () => {
  const { name, variables } = render();
  expect(name).toBe('ec2-autopilot-prod');
  expect(variables).toEqual(
    [
      'AWS::AccountId',
      'AWS::Partition',
      'AWS::Region',
      'FailedEventsQueue.QueueName',
      ...FUNCTIONS.map(functionLogicalId),
      ...STATE_MACHINES.map((m) => m.id),
    ].sort(),
  );
});

it("shows each target's alarms by the names reconcile gives them, failover's status checks included", () => {
  const { widgets } = render();
  const states = (target: string) => titled(widgets, `${target}: alarms`).flatMap(widgetAlarms);
  expect(states('web')).toEqual([arn('<AWS::Region>', 'ops-web-high'), arn('<AWS::Region>', 'ops-web-low')]);
  expect(states('blog')).toEqual(
    ['ops-blog-high', 'ops-blog-system-check', 'ops-blog-instance-check'].map((n) => arn('<AWS::Region>', n)),
  );
  // A target with no rule has no alarm (an alarm widget needs one): no alarm widget, still its capacity.
  expect(states('batch')).toEqual([]);
  expect(titled(widgets, 'batch:')).toHaveLength(1);
  // What each rule's alarm watches: the alarm's own metric and threshold.
  expect(titled(widgets, 'web: CPUUtilization').flatMap(widgetAlarms)).toEqual([
    arn('<AWS::Region>', 'ops-web-high'),
    arn('<AWS::Region>', 'ops-web-low'),
  ]);
  expect(titled(widgets, 'blog: CPUUtilization above 80').flatMap(widgetAlarms)).toEqual([
    arn('<AWS::Region>', 'ops-blog-high'),
  ]);
});

it("puts a group's desired and in-service capacity and the target's decisions on one graph", () => {
  const { widgets } = render();
  const [web] = titled(widgets, 'web: web-asg capacity');
  const metrics = widgetMetrics(web!);
  expect(metrics[0]).toContain('"AWS/AutoScaling","GroupDesiredCapacity","AutoScalingGroupName","web-asg"');
  expect(metrics[1]).toContain(
    '"AWS/AutoScaling","GroupInServiceInstances","AutoScalingGroupName","web-asg"',
  );
  const [decisions] = web!.properties.metrics![2] as { expression: string; yAxis: string }[];
  expect(decisions).toMatchObject({
    expression: `SEARCH('Namespace="ec2-autopilot" MetricName="Decisions" service="prod" target="web"', 'Sum', 300)`,
    yAxis: 'right',
  });
  // An instance has no capacity: its graph is the type it runs as (one line per type) and its decisions.
  const [blog] = titled(widgets, 'blog: instance type in use and decisions');
  expect(blog!.properties.metrics).toEqual([
    [
      {
        expression: `SEARCH('Namespace="ec2-autopilot" MetricName="InstanceTypeInUse" service="prod" target="blog"', 'Maximum', 300)`,
        id: 'type',
      },
    ],
    [expect.objectContaining({ id: 'decisions', yAxis: 'right' })],
  ]);
  // A "${" in a name from the policy is CloudFormation's literal, not a variable.
  expect(widgetMetrics(titled(widgets, 'batch:')[0]!)[0]).toContain('"odd ${name} group"');
});

it("reads the fleet's alarms and metrics in the policy's region, the orchestrator's in the stack's", () => {
  const { widgets } = render(`region: eu-west-1\n${POLICY}`);
  expect(titled(widgets, 'web: alarms').flatMap(widgetAlarms)[0]).toBe(arn('eu-west-1', 'ops-web-high'));
  const [web] = titled(widgets, 'web: web-asg capacity');
  expect(web!.properties.region).toBe('<AWS::Region>');
  expect(widgetMetrics(web!)[0]).toContain('"region":"eu-west-1"');
  const [own] = titled(widgets, 'the orchestrator');
  expect(own!.properties.alarms).toEqual(selfAlarms(NAMES).map((a) => arn('<AWS::Region>', a.name)));
});

it("shows every function's errors and throttles, every machine's failed executions, the queue and cleanup", () => {
  const { widgets } = render();
  for (const [title, metric] of [
    ['function errors', 'Errors'],
    ['function throttles', 'Throttles'],
  ] as const)
    expect(widgetMetrics(titled(widgets, title)[0]!)).toEqual(
      FUNCTIONS.map((fn) =>
        JSON.stringify(['AWS/Lambda', metric, 'FunctionName', `<${functionLogicalId(fn)}>`, { label: fn }]),
      ),
    );
  expect(widgetMetrics(titled(widgets, 'state machines')[0]!)).toEqual(
    STATE_MACHINES.map((m) =>
      JSON.stringify(['AWS/States', 'ExecutionsFailed', 'StateMachineArn', `<${m.id}>`, { label: m.name }]),
    ),
  );
  expect(widgetMetrics(titled(widgets, 'failed events')[0]!)[0]).toContain(
    '"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","<FailedEventsQueue.QueueName>"',
  );
  const cleanup = titled(widgets, 'cleanup').flatMap(widgetMetrics).join('\n');
  expect(cleanup).toContain('MetricName=\\"OrphanMonthlyCostUsd\\" service=\\"prod\\"');
  expect(cleanup).toContain('MetricName=\\"OrphansDeleted\\" service=\\"prod\\"');
});

it('lays its widgets on the 24-column grid without overlap', () => {
  const { widgets } = render();
  const cells = new Set<string>();
  for (const w of widgets) {
    expect(w.x + w.width).toBeLessThanOrEqual(24);
    for (let x = w.x; x < w.x + w.width; x++)
      for (let y = w.y; y < w.y + w.height; y++) {
        expect(cells.has(`${x},${y}`)).toBe(false);
        cells.add(`${x},${y}`);
      }
  }
});
