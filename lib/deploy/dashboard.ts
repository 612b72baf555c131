/**
 * The stack's CloudWatch dashboard, `<service>-<stage>`, from the policy: `resources/from-policy.js`
 * bundles this file at package time. One row per target, then the orchestrator itself:
 *
 * - per target: the states of its alarms (`<prefix>-<target>-high|low`, a failover target's
 *   `-system-check|-instance-check`), what its high and low alarms watch (the alarm's own metric and
 *   threshold: for an instance target the CPU of whichever instance the alarm is on now, which a
 *   blue-green resize changes), and on one time axis the group's desired and in-service capacity
 *   (group metrics, which reconcile turns on: lib/plan/group-metrics.ts), or an instance target's type
 *   in use, with the orchestrator's decisions for the target;
 * - the orchestrator: its own alarms (lib/deploy/self-alarms.ts), the failed-events queue, every
 *   decision, the functions' errors and throttles, the state machines' failed executions, and
 *   cleanup's savings.
 *
 * The decisions and cleanup figures are the product's embedded-metric-format metrics (namespace
 * `ec2-autopilot`, dimension `service` = the stage); they are found with SEARCH expressions on the
 * dimensions that matter here, so that the graphs need neither every action and outcome nor the exact
 * set of dimensions each metric carries.
 *
 * The body is a JSON string under `Fn::Sub`: the stack's region, account and partition, and the
 * functions', machines' and queue's names, are filled in by CloudFormation.
 */
import { targetAlarmNames } from '../plan/alarms';
import { alarmName, ruleFor, type Policy, type Target } from '../policy/policy';
import { DEFAULT_NAMESPACE } from '../telemetry/telemetry';
import { selfAlarms } from './self-alarms';
import {
  FAILED_EVENTS_QUEUE,
  FUNCTIONS,
  functionLogicalId,
  STATE_MACHINES,
  stackPrefix,
  type StackNames,
} from './stack';

type Widget = {
  type: 'metric' | 'alarm' | 'text';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
};

/**
 * A variable CloudFormation fills in (`${AWS::Region}`, `${OnEventLambdaFunction}`, …). Written as
 * a marker while the body is built, so that a `${` in a name from the policy can be escaped first.
 */
const sub = (variable: string) => `\u0001${variable}\u0001`;
const REGION = sub('AWS::Region');

function toSub(body: unknown): { 'Fn::Sub': string } {
  const json = JSON.stringify(body)
    .replaceAll('${', '${!')
    .replace(/\\u0001([A-Za-z0-9:.]+)\\u0001/g, (_m, v: string) => `\${${v}}`);
  return { 'Fn::Sub': json };
}

const alarmArn = (region: string, name: string) =>
  `arn:${sub('AWS::Partition')}:cloudwatch:${region}:${sub('AWS::AccountId')}:alarm:${name}`;

/** A SEARCH over the product's metrics: exact matches on the metric's name and the given dimensions. */
const search = (metric: string, dimensions: Record<string, string>, statistic: string, period: number) => {
  const terms = Object.entries(dimensions)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `SEARCH('Namespace="${DEFAULT_NAMESPACE}" MetricName="${metric}" ${terms}', '${statistic}', ${period})`;
};

const ROW = 6;

function targetRow(policy: Policy, names: StackNames, target: Target, y: number): Widget[] {
  // The fleet's alarms and metrics are where the policy's region says (else the stack's).
  const fleet = policy.region ?? REGION;
  const widgets: Widget[] = [];
  let x = 0;
  const place = (width: number, type: Widget['type'], properties: Record<string, unknown>) => {
    widgets.push({ type, x, y, width, height: ROW, properties });
    x += width;
  };
  const alarms = targetAlarmNames(policy, target);
  if (alarms.length > 0)
    place(6, 'alarm', {
      title: `${target.name}: alarms`,
      alarms: alarms.map((name) => alarmArn(fleet, name)),
    });
  for (const direction of ['high', 'low'] as const) {
    const rule = ruleFor(target, direction);
    if (!rule) continue;
    const name = alarmName(policy, target.name, direction);
    place(5, 'metric', {
      title: `${target.name}: ${rule.when.metric} ${rule.when.comparison} ${rule.when.threshold} (${name})`,
      view: 'timeSeries',
      region: fleet,
      annotations: { alarms: [alarmArn(fleet, name)] },
    });
  }
  const decisions = {
    expression: search('Decisions', { service: names.stage, target: target.name }, 'Sum', 300),
    id: 'decisions',
    label: 'decisions',
  };
  const capacity =
    target.kind === 'auto-scaling-group'
      ? [
          [
            'AWS/AutoScaling',
            'GroupDesiredCapacity',
            'AutoScalingGroupName',
            target.autoScalingGroup,
            { label: 'desired', stat: 'Maximum', region: fleet },
          ],
          [
            'AWS/AutoScaling',
            'GroupInServiceInstances',
            'AutoScalingGroupName',
            target.autoScalingGroup,
            { label: 'in service', stat: 'Maximum', region: fleet },
          ],
          [{ ...decisions, yAxis: 'right' }],
        ]
      : [
          [
            {
              expression: search(
                'InstanceTypeInUse',
                { service: names.stage, target: target.name },
                'Maximum',
                300,
              ),
              // No label: CloudWatch labels each line by what tells them apart, the type.
              id: 'type',
            },
          ],
          [{ ...decisions, yAxis: 'right' }],
        ];
  place(Math.max(24 - x, 6), 'metric', {
    title:
      target.kind === 'auto-scaling-group'
        ? `${target.name}: ${target.autoScalingGroup} capacity (group metrics collection) and decisions`
        : `${target.name}: instance type in use and decisions (resizes${target.failover ? ', failovers' : ''})`,
    view: 'timeSeries',
    stacked: false,
    region: REGION,
    period: 60,
    metrics: capacity,
    ...(target.kind === 'auto-scaling-group'
      ? { yAxis: { left: { min: 0, label: 'instances' }, right: { min: 0, label: 'decisions' } } }
      : { yAxis: { left: { min: 0, max: 1, label: 'type in use' }, right: { min: 0, label: 'decisions' } } }),
  });
  return widgets;
}

function orchestratorRows(names: StackNames, y: number): Widget[] {
  const metric = (x: number, yy: number, width: number, properties: Record<string, unknown>): Widget => ({
    type: 'metric',
    x,
    y: yy,
    width,
    height: ROW,
    properties: { view: 'timeSeries', stacked: false, region: REGION, ...properties },
  });
  const perFunction = (name: string) =>
    FUNCTIONS.map((fn) => ['AWS/Lambda', name, 'FunctionName', sub(functionLogicalId(fn)), { label: fn }]);
  return [
    {
      type: 'alarm',
      x: 0,
      y,
      width: 12,
      height: ROW,
      properties: {
        title: 'the orchestrator: failed events, function errors, failed executions',
        alarms: selfAlarms(names).map((a) => alarmArn(REGION, a.name)),
      },
    },
    metric(12, y, 6, {
      title: 'failed events waiting (autopilot redrive)',
      stat: 'Maximum',
      period: 300,
      metrics: [
        [
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          'QueueName',
          sub(`${FAILED_EVENTS_QUEUE}.QueueName`),
          { label: 'waiting' },
        ],
      ],
    }),
    metric(18, y, 6, {
      title: 'decisions, every target (by action and outcome)',
      metrics: [[{ expression: search('Decisions', { service: names.stage }, 'Sum', 300), id: 'all' }]],
    }),
    metric(0, y + ROW, 8, {
      title: 'function errors',
      stat: 'Sum',
      period: 300,
      metrics: perFunction('Errors'),
    }),
    metric(8, y + ROW, 8, {
      title: 'function throttles',
      stat: 'Sum',
      period: 300,
      metrics: perFunction('Throttles'),
    }),
    metric(16, y + ROW, 8, {
      title: 'state machines: failed executions',
      stat: 'Sum',
      period: 300,
      metrics: STATE_MACHINES.map((m) => [
        'AWS/States',
        'ExecutionsFailed',
        'StateMachineArn',
        sub(m.id),
        { label: m.name },
      ]),
    }),
    metric(0, y + 2 * ROW, 12, {
      title: 'cleanup: monthly cost of the orphans found ($/month)',
      metrics: [
        [
          {
            expression: search('OrphanMonthlyCostUsd', { service: names.stage }, 'Maximum', 86400),
            id: 'cost',
          },
        ],
      ],
    }),
    metric(12, y + 2 * ROW, 12, {
      title: 'cleanup: orphans deleted',
      view: 'bar',
      metrics: [
        [{ expression: search('OrphansDeleted', { service: names.stage }, 'Sum', 86400), id: 'deleted' }],
      ],
    }),
  ];
}

/** The `AWS::CloudWatch::Dashboard` resource. */
export function dashboardResource(policy: Policy, names: StackNames) {
  const header: Widget = {
    type: 'text',
    x: 0,
    y: 0,
    width: 24,
    height: 2,
    properties: {
      markdown:
        `## ec2-autopilot · ${names.stage}\n` +
        'Per target of autopilot.yml: its alarms, what they watch, and its capacity with the decisions taken for it. ' +
        "A group's desired and in-service capacity come from its group metrics collection, which reconcile turns on for them.",
    },
  };
  let y = header.height;
  const widgets: Widget[] = [header];
  for (const target of policy.targets) {
    widgets.push(...targetRow(policy, names, target, y));
    y += ROW;
  }
  widgets.push(...orchestratorRows(names, y));
  return {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: stackPrefix(names),
      DashboardBody: toSub({ start: '-PT12H', periodOverride: 'inherit', widgets }),
    },
  };
}
