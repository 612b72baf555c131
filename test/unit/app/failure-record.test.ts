/** The on-failure destination's invocation record, and which of the stage's functions it came from. */
import { functionNameOf, parseFailureRecord, redrivableFunction } from '../../../lib/app/failure-record';
import { ValidationError } from '../../../lib/errors';

const arn = (name: string, qualifier = ':$LATEST') =>
  `arn:aws:lambda:us-east-1:123456789012:function:${name}${qualifier}`;

// As Lambda sends it (the shape of AWS's "Capturing records of Lambda asynchronous invocations").
const record = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-27T12:03:41.025Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
      functionArn: arn('ec2-autopilot-prod-onEvent'),
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: { Records: [{ EventSource: 'aws:sns' }] },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: 'RetryableFailureError',
      errorMessage: 'SetDesiredCapacity failed: ThrottlingException',
      trace: [],
    },
    ...overrides,
  });

describe('functionNameOf', () => {
  it.each([
    [arn('f'), 'f'],
    [arn('f', ''), 'f'],
    [arn('f', ':live'), 'f'],
    ['not-an-arn', 'not-an-arn'],
  ])('%s → %s', (input, name) => expect(functionNameOf(input)).toBe(name));
});

describe('redrivableFunction', () => {
  it.each([
    ['ec2-autopilot-prod-onEvent', 'onEvent'],
    ['ec2-autopilot-prod-reconcile', 'reconcile'],
    ['ec2-autopilot-prod-cleanup', 'cleanup'],
    ['ec2-autopilot-prod-cleanupDelete', 'cleanupDelete'],
    ['ec2-autopilot-prod-resizeTask', undefined],
    ['ec2-autopilot-staging-onEvent', undefined],
    ['other-prod-onEvent', undefined],
  ])('%s → %s', (name, fn) => expect(redrivableFunction(name, 'ec2-autopilot', 'prod')).toBe(fn));
});

describe('parseFailureRecord', () => {
  it('reads the function, the failure and the original event', () => {
    expect(parseFailureRecord(record(), 'ec2-autopilot', 'prod')).toEqual({
      functionName: 'ec2-autopilot-prod-onEvent',
      function: 'onEvent',
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      failedAt: '2026-11-27T12:03:41.025Z',
      error: 'RetryableFailureError: SetDesiredCapacity failed: ThrottlingException',
      payload: { Records: [{ EventSource: 'aws:sns' }] },
    });
  });

  it('keeps a record of another function, without a use case', () => {
    const r = parseFailureRecord(
      record({ requestContext: { functionArn: arn('ec2-autopilot-prod-resizeTask') } }),
      'ec2-autopilot',
      'prod',
    );
    expect(r.functionName).toBe('ec2-autopilot-prod-resizeTask');
    expect(r.function).toBeUndefined();
  });

  it.each([
    ['{', '(message): not valid JSON'],
    ['{"requestPayload": {}}', 'requestContext: required'],
    [record({ requestPayload: undefined }), 'requestPayload: required'],
  ])('refuses %s, naming the field', (body, message) => {
    expect(() => parseFailureRecord(body, 'ec2-autopilot', 'prod')).toThrow(ValidationError);
    expect(() => parseFailureRecord(body, 'ec2-autopilot', 'prod')).toThrow(message);
  });
});
