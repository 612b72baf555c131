// What depends on the policy file, resolved by `serverless package/deploy` (Serverless Framework v3
// `${file(./resources/from-policy.js):…}` variables). The policy is first checked by the product itself
// (`autopilot validate`), so a deploy with an invalid policy stops here, naming the field.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseDocument } = require('yaml');

const root = join(__dirname, '..');
let cached;

function policy() {
  if (cached) return cached;
  const file = process.env.AUTOPILOT_CONFIG || join(root, 'autopilot.yml');
  try {
    execFileSync(process.execPath, [join(root, 'bin', 'autopilot.js'), 'validate', '--config', file], {
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(`invalid policy: ${String(error.stderr || error.message).trim()}`, { cause: error });
  }
  cached = parseDocument(readFileSync(file, 'utf8')).toJS() || {};
  return cached;
}

/** The policy as a JS string literal, inlined into every bundle (esbuild `define`). */
module.exports.policyJson = () => JSON.stringify(JSON.stringify(policy()));

/** One e-mail subscription per address in `notifications.emails` (AWS e-mails each a confirmation). */
module.exports.subscriptions = () => {
  const emails = (policy().notifications || {}).emails || [];
  const Resources = {};
  emails.forEach((email, i) => {
    Resources[`NotifyEmail${i}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'NotifyTopic' }, Protocol: 'email', Endpoint: email },
    };
  });
  return { Resources };
};

/** ARNs of the Auto Scaling groups the policy names: the only groups the functions may change. */
module.exports.groupArns = () => {
  const groups = (policy().targets || []).map((t) => t.autoScalingGroup).filter(Boolean);
  const names = groups.length > 0 ? groups : ['no-group-in-policy'];
  return names.map((name) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:autoscaling:\${AWS::Region}:\${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${name}`,
  }));
};

const refreshTargets = () => (policy().targets || []).filter((t) => t.autoScalingGroup && t.imageRefresh);

/** One EventBridge schedule per target with `imageRefresh.schedule`, starting the refresh-image machine. */
module.exports.refreshSchedules = () =>
  refreshTargets()
    .filter((t) => t.imageRefresh.schedule)
    .map((t) => ({ schedule: { rate: t.imageRefresh.schedule, input: { target: t.name } } }));

/**
 * The roles a blue-green replacement may be launched with (`instanceRoles`): the only roles the resize
 * function may pass, and only to EC2.
 */
module.exports.instanceRoleArns = () => {
  const roles = policy().instanceRoles || [];
  const names = roles.length > 0 ? roles : ['no-instance-role-in-policy'];
  return names.map((name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}` }));
};

/**
 * ARN pattern of the alarms the orchestrator owns (`<alarmPrefix>-*`: the targets' `-high`/`-low`, and a
 * failover target's `-system-check`/`-instance-check`). The prefix has no "-" (validate refuses one), so
 * the pattern cannot match another deployment's alarms.
 */
module.exports.alarmArns = () => [
  {
    'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${policy().alarmPrefix || 'autopilot'}-*`,
  },
];

// The cleanup functions' schedules and IAM statements, the refresh function's statements, on-event's
// EC2 state-change subscription, and the stack's own alarms and dashboard depend on the policy (and the
// last on the stack's names); the product computes them (lib/deploy/policy-deployment.ts), bundled here
// so that the grants and the code that declares them cannot drift apart.
let bundled;
function policyDeployment() {
  if (bundled) return bundled;
  const { buildSync } = require('esbuild');
  const built = buildSync({
    entryPoints: [join(root, 'lib', 'deploy', 'policy-deployment.ts')],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  const loaded = { exports: {} };
  new Function('module', 'exports', 'require', built.outputFiles[0].text)(loaded, loaded.exports, require);
  bundled = loaded.exports.policyDeployment;
  return bundled;
}

/** `service` and `stage` as the framework resolves them (`${self:service}`, `${sls:stage}`). */
async function stackNames({ resolveVariable }) {
  return { service: await resolveVariable('self:service'), stage: await resolveVariable('sls:stage') };
}

const deployments = new Map();
async function deployment(context) {
  const names = await stackNames(context);
  const key = `${names.service}\n${names.stage}`;
  if (!deployments.has(key)) deployments.set(key, policyDeployment()(policy(), names));
  return deployments.get(key);
}

/**
 * on-event's events: the alarm topic, and with a failover target in the policy the EC2 state changes
 * that can mean its instance failed (lib/deploy/failover-events.ts). The framework resolves this list
 * whole, so the topic's subscription is written here too.
 */
module.exports.onEventEvents = async (context) => {
  const { service, stage } = await stackNames(context);
  return [
    { sns: { arn: { Ref: 'AlarmTopic' }, topicName: `${service}-${stage}-alarms` } },
    // Named, so that the rule keeps its name (and logical id) whatever comes before it in the list.
    ...(await deployment(context)).onEvent.events.map((e) => ({
      eventBridge: { name: `${service}-${stage}-instance-state`, ...e.eventBridge },
    })),
  ];
};

/** When the cleanup functions run (`cleanup.schedule`, default rate(1 day)). */
module.exports.cleanupSchedule = async (context) => (await deployment(context)).cleanup.schedule;

/** The marking function's IAM statements: read-only in report mode; the mark's tag and table from mark on. */
module.exports.cleanupStatements = async (context) => (await deployment(context)).cleanup.statements;

/** Whether the deleting function's schedule runs: in mode `delete` only. */
module.exports.cleanupDeleteEnabled = async (context) => (await deployment(context)).cleanupDelete.enabled;

/** The refresh function's IAM statements (lib/deploy/refresh-role.ts). */
module.exports.refreshStatements = async (context) => (await deployment(context)).refreshTask.statements;

/** The deleting function's IAM statements: deletions of marked, unprotected resources, in mode delete. */
module.exports.cleanupDeleteStatements = async (context) =>
  (await deployment(context)).cleanupDelete.statements;

/**
 * The stack watching itself and its fleet: alarms on the failed-events queue, on each function's errors
 * and each state machine's failed executions (lib/deploy/self-alarms.ts), and the dashboard
 * `<service>-<stage>` (lib/deploy/dashboard.ts).
 */
module.exports.monitoring = async (context) => (await deployment(context)).monitoring;
