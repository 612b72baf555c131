/**
 * The `refreshTask` function's IAM statements, from the policy: `serverless.yml` takes them from
 * `resources/from-policy.js`, which bundles this file at package time. They grant exactly
 * `functionPermissions('refreshTask')` (the packaging test checks it), scoped as far as AWS allows:
 *
 * - images only of the policy's source instances (by id, or by the tags that select them), every
 *   image tagged `autopilot:managed` as it is created, tags written only on creation (and the image's
 *   tags on its snapshots);
 * - the groups' launch data changed and refreshed only for the groups the policy refreshes;
 * - retention: cleanup's mark (and no other key) written only on managed images and snapshots, and
 *   deregistrations and snapshot deletions only of managed, unprotected, marked ones;
 * - roles passed only from `instanceRoles`, only to EC2.
 */
import type { Statement } from './cleanup-role';
import { TAGS } from '../model/tags';
import type { Policy } from '../policy/policy';

const sub = (arn: string) => ({ 'Fn::Sub': arn });
const ec2 = (resource: string, account = true) =>
  sub(`arn:\${AWS::Partition}:ec2:\${AWS::Region}:${account ? '${AWS::AccountId}' : ''}:${resource}`);
const MANAGED = { [`aws:ResourceTag/${TAGS.managed}`]: 'true' };
const NOT_PROTECTED = { StringNotEquals: { [`aws:ResourceTag/${TAGS.protect}`]: 'true' } };

const READS = [
  'ec2:DescribeInstances',
  'ec2:DescribeAddresses',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeInstanceTypeOfferings',
  'autoscaling:DescribeAutoScalingInstances',
  'ec2:DescribeImages',
  'ec2:DescribeImageAttribute',
  'ec2:DescribeSnapshots',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeLaunchTemplateVersions',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeInstanceRefreshes',
];

type RefreshPolicy = Pick<Policy, 'targets' | 'instanceRoles'>;

const refreshed = (policy: RefreshPolicy) =>
  policy.targets.flatMap((t) =>
    t.kind === 'auto-scaling-group' && t.imageRefresh
      ? [{ group: t.autoScalingGroup, refresh: t.imageRefresh }]
      : [],
  );

/** CreateImage on the source instances only; on none without an image refresh in the policy. */
function sourceStatements(policy: RefreshPolicy): Statement[] {
  const targets = refreshed(policy);
  if (targets.length === 0)
    return [
      { Effect: 'Allow', Action: ['ec2:CreateImage'], Resource: ec2('instance/no-image-refresh-in-policy') },
    ];
  return targets.map(({ refresh: { from } }): Statement =>
    'id' in from.instance
      ? { Effect: 'Allow', Action: ['ec2:CreateImage'], Resource: ec2(`instance/${from.instance.id}`) }
      : {
          Effect: 'Allow',
          Action: ['ec2:CreateImage'],
          Resource: ec2('instance/*'),
          Condition: {
            StringEquals: Object.fromEntries(
              Object.entries(from.instance.tags).map(([k, v]): [string, string] => [
                `aws:ResourceTag/${k}`,
                v,
              ]),
            ),
          },
        },
  );
}

export function refreshStatements(policy: RefreshPolicy): Statement[] {
  const groups = refreshed(policy).map((t) => t.group);
  const roles = policy.instanceRoles.length > 0 ? policy.instanceRoles : ['no-instance-role-in-policy'];
  const image = ec2('image/*', false);
  const snapshot = ec2('snapshot/*', false);
  return [
    { Effect: 'Allow', Action: READS, Resource: '*' },
    ...sourceStatements(policy),
    {
      Effect: 'Allow',
      Action: ['ec2:CreateImage'],
      Resource: image,
      Condition: { StringEquals: { [`aws:RequestTag/${TAGS.managed}`]: 'true' } },
    },
    { Effect: 'Allow', Action: ['ec2:CreateImage'], Resource: snapshot },
    // The image's tags, written as it is created, and only then.
    {
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: '*',
      Condition: { StringEquals: { 'ec2:CreateAction': ['CreateImage'] } },
    },
    // The image's snapshots get the image's tags afterwards (CreateImage cannot tag them everywhere).
    {
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: snapshot,
      Condition: {
        'ForAllValues:StringEquals': {
          'aws:TagKeys': ['autopilot:operation', TAGS.managed, TAGS.lineage, 'autopilot:source-instance'],
        },
        Null: { 'aws:TagKeys': 'false' },
      },
    },
    // Cleanup's mark, on a managed image or snapshot just before retention deletes it.
    {
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [image, snapshot],
      Condition: {
        StringEquals: MANAGED,
        'ForAllValues:StringEquals': { 'aws:TagKeys': [TAGS.deleteAfter] },
        Null: { 'aws:TagKeys': 'false' },
      },
    },
    {
      Effect: 'Allow',
      Action: ['ec2:DeregisterImage', 'ec2:DeleteSnapshot'],
      Resource: [image, snapshot],
      Condition: {
        StringEquals: MANAGED,
        ...NOT_PROTECTED,
        Null: { [`aws:ResourceTag/${TAGS.deleteAfter}`]: 'false' },
      },
    },
    {
      Effect: 'Allow',
      Action: ['ec2:EnableImageDeprecation'],
      Resource: image,
      Condition: { StringEquals: MANAGED, ...NOT_PROTECTED },
    },
    // The groups' templates are the user's and carry no tag of ours: any template of the account.
    {
      Effect: 'Allow',
      Action: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
      Resource: ec2('launch-template/*'),
    },
    {
      Effect: 'Allow',
      Action: ['autoscaling:CreateLaunchConfiguration'],
      Resource: sub(
        'arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:launchConfiguration:*:launchConfigurationName/*',
      ),
    },
    {
      Effect: 'Allow',
      Action: [
        'autoscaling:UpdateAutoScalingGroup',
        'autoscaling:StartInstanceRefresh',
        'autoscaling:CancelInstanceRefresh',
      ],
      Resource: (groups.length > 0 ? groups : ['no-image-refresh-in-policy']).map((name) =>
        sub(
          `arn:\${AWS::Partition}:autoscaling:\${AWS::Region}:\${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${name}`,
        ),
      ),
    },
    {
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: roles.map((name) => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`)),
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    { Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'NotifyTopic' } },
  ];
}
