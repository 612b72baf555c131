/**
 * The one entry point from a raw Lambda event to triggers. It recognises the envelope, hands the
 * event to the parser for that shape and turns every malformation into a ValidationError that names
 * the field (`Records[0].Sns.Message.NewStateValue: expected one of OK, ALARM, INSUFFICIENT_DATA`).
 *
 * Shapes, in the order they are told apart:
 * 1. SNS (`Records`): CloudWatch alarm or Auto Scaling notifications, one trigger per record.
 * 2. Lambda alarm action (`source: aws.cloudwatch` with `alarmData`).
 * 3. EventBridge (`detail-type`): alarm state change, EC2 state change, Auto Scaling launch/terminate,
 *    scheduled rule.
 */
import { ValidationError } from '../errors';
import type { Trigger } from './trigger';
import { AUTOSCALING_DETAIL_TYPES, parseEventBridgeAutoScaling } from './autoscaling-notification';
import { INSTANCE_STATE_CHANGE, parseEc2StateChange } from './ec2-state-change';
import { ALARM_STATE_CHANGE, parseEventBridgeAlarm } from './eventbridge-alarm';
import { isRecord } from './fields';
import { isLambdaAlarmAction, parseLambdaAlarmAction } from './lambda-alarm-action';
import { SCHEDULED_EVENT, parseScheduledEvent } from './scheduled';
import { parseSnsEvent } from './sns-records';

export interface ParseContext {
  /** Region for an SNS notification whose message, alarm ARN and topic ARN name none (the function's own region). */
  defaultRegion?: string;
}

/** EventBridge parsers by `detail-type`. */
const EVENTBRIDGE_PARSERS = new Map<string, (event: unknown) => Trigger>([
  [ALARM_STATE_CHANGE, parseEventBridgeAlarm],
  [INSTANCE_STATE_CHANGE, parseEc2StateChange],
  [SCHEDULED_EVENT, parseScheduledEvent],
  ...AUTOSCALING_DETAIL_TYPES.map((type): [string, (event: unknown) => Trigger] => [
    type,
    parseEventBridgeAutoScaling,
  ]),
]);

export function parseEvent(event: unknown, context: ParseContext = {}): Trigger[] {
  if (!isRecord(event)) throw new ValidationError('(event)', 'expected an object');
  if ('Records' in event) return parseSnsEvent(event, context);
  if (isLambdaAlarmAction(event)) return [parseLambdaAlarmAction(event)];
  if ('detail-type' in event) return [parseEventBridgeEvent(event)];
  throw new ValidationError(
    '(event)',
    'unrecognised event: expected an SNS event (Records), an EventBridge event (detail-type) or a CloudWatch alarm action (alarmData)',
  );
}

function parseEventBridgeEvent(event: Record<string, unknown>): Trigger {
  const detailType = event['detail-type'];
  if (typeof detailType !== 'string') throw new ValidationError('detail-type', 'expected a string');
  const parse = EVENTBRIDGE_PARSERS.get(detailType);
  if (!parse) throw new ValidationError('detail-type', `unsupported value ${JSON.stringify(detailType)}`);
  return parse(event);
}
