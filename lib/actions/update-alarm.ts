/**
 * `update-alarm`: one alarm the orchestrator owns, created, repaired (drift) or re-pointed at the
 * instance that replaced the one it watched. PutMetricAlarm replaces the whole alarm, so a repeat is
 * harmless; the tags go with it.
 */
import { defineAction, need } from './action-module';

const VERB = { create: 'create', update: 'repair', repoint: 're-point' } as const;

export const updateAlarm = defineAction({
  type: 'update-alarm',
  // PutMetricAlarm checks the caller's EC2 permissions for what the alarm watches and does: the status
  // checks' alarms (failover) watch EC2 status metrics, and the system check's recovers the instance.
  // CloudWatch creates its service-linked role (AWSServiceRoleForCloudWatchEvents) on the first alarm
  // with an EC2 action in the account, as the caller.
  permissions: [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:TagResource',
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeInstances',
    'ec2:DescribeInstanceRecoveryAttribute',
    'ec2:RecoverInstances',
    'iam:CreateServiceLinkedRole',
  ],

  async apply({ action: a }, ports) {
    await need(ports, 'alarms', a.type).put(a.alarm, a.alarmArn);
    return { status: 'applied' };
  },

  line: (a, cost) => `${a.type}  ${a.target}  ${a.change} ${a.alarm.name}${cost}`,
  headline: (a, verb) => `${verb}${VERB[a.change]} alarm ${a.alarm.name}`,
});
