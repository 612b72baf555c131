/**
 * The one call wrapper with the real SDK clients: what moto answers for an action it lacks
 * (HTTP 500, an HTML page) fails at once; AWS's own 500/503 error documents are retried by the one
 * policy, and by it only (the clients make one attempt per request); and a paginated listing whose
 * later page fails throws. AWS's error documents come from a stub HTTP server on loopback (moto never
 * fails on its own); later pages and their faults are injected with an SDK middleware.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { call } from '../../lib/aws/call';
import { AwsClients } from '../../lib/aws/clients';
import { InstancesAdapter } from '../../lib/aws/instances';
import { DEFAULT_RETRY } from '../../lib/aws/retry';
import { AwsCallError } from '../../lib/errors';
import { REGION, useMoto } from '../support/moto';

const noWait = { sleep: async () => undefined };

beforeAll(async () => {
  await useMoto();
  // The SDK's own retries are off whatever the environment says: the one policy is the only one.
  process.env.AWS_MAX_ATTEMPTS = '3';
});

afterAll(() => {
  process.env.AWS_MAX_ATTEMPTS = '1';
});

describe("moto's answer to an action it lacks", () => {
  it('fails at once, not retryable, after one request', async () => {
    const { client, sdk } = await new AwsClients({ region: REGION }).autoScaling();
    const attempts: number[] = [];
    const failure = call(
      'StartInstanceRefresh',
      () => client.send(new sdk.StartInstanceRefreshCommand({ AutoScalingGroupName: 'web' })),
      { ...noWait, onAttempt: (a) => attempts.push(a) },
    );
    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    const error = (await failure.catch((e: unknown) => e)) as AwsCallError;
    expect(error).toMatchObject({ operation: 'StartInstanceRefresh', retryable: false });
    expect(error.message).toContain('HTTP 500 without an AWS error in its body');
    expect(attempts).toEqual([1]);
    // …and the SDK did not retry it underneath either.
    expect((error.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(1);
  });
});

describe("AWS's own server errors, from a stub that answers as EC2 does", () => {
  let server: Server;
  let endpoint: string;
  let answers: { status: number; body: string }[] = [];
  let requests = 0;

  const error = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`;
  const noVolumes =
    '<?xml version="1.0" encoding="UTF-8"?><DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-2</requestId><volumeSet/></DescribeVolumesResponse>';

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        const answer = answers.shift() ?? { status: 200, body: noVolumes };
        res.writeHead(answer.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': 'r' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    requests = 0;
  });

  const describeVolumes = async () => {
    const { client, sdk } = await new AwsClients({ region: REGION, endpoint }).ec2();
    return call('DescribeVolumes', () => client.send(new sdk.DescribeVolumesCommand({})), noWait);
  };

  it('retries InternalError (500) and Unavailable (503), then succeeds', async () => {
    answers = [
      { status: 500, body: error('InternalError', 'An internal error has occurred') },
      { status: 503, body: error('Unavailable', 'The server is overloaded') },
    ];
    const out = await describeVolumes();
    expect(out.Volumes ?? []).toEqual([]);
    expect(requests).toBe(3);
  });

  it('retries throttling', async () => {
    answers = [{ status: 400, body: error('RequestLimitExceeded', 'Request limit exceeded.') }];
    await describeVolumes();
    expect(requests).toBe(2);
  });

  it('gives up at the bound: one request per attempt, not the SDK’s attempts on top', async () => {
    answers = Array.from({ length: 20 }, () => ({ status: 503, body: error('Unavailable', 'overloaded') }));
    await expect(describeVolumes()).rejects.toMatchObject({ code: 'Unavailable', retryable: true });
    expect(requests).toBe(DEFAULT_RETRY.attempts);
    answers = [];
  });

  it('fails at once on a client error', async () => {
    answers = [{ status: 400, body: error('InvalidParameterValue', 'bad filter') }];
    await expect(describeVolumes()).rejects.toMatchObject({
      code: 'InvalidParameterValue',
      retryable: false,
    });
    expect(requests).toBe(1);
  });
});

describe('a paginated listing through the SDK paginator', () => {
  let instanceId: string;

  beforeAll(async () => {
    const { client, sdk } = await new AwsClients({ region: REGION }).ec2();
    const out = await client.send(
      new sdk.RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'paged' }] }],
      }),
    );
    instanceId = out.Instances![0]!.InstanceId!;
  });

  /**
   * Clients whose first DescribeInstances page says there is a second one, which is empty and fails
   * first with `failures` (in turn). Returns the clients and how often page 2 was asked for.
   */
  function secondPage(failures: Error[]) {
    const aws = new AwsClients({ region: REGION });
    const asked = { page2: 0 };
    void aws.ec2().then(({ client }) =>
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'DescribeInstancesCommand') return next(args);
          if ((args.input as { NextToken?: string }).NextToken === 'page-2') {
            asked.page2 += 1;
            const failure = failures.shift();
            if (failure) throw failure;
            return { output: { Reservations: [], $metadata: {} }, response: {} } as never;
          }
          const result = await next(args);
          (result.output as { NextToken?: string }).NextToken = 'page-2';
          return result;
        },
        { step: 'initialize', name: 'secondPage' },
      ),
    );
    return { aws, asked };
  }

  const fault = (name: string, status: number) =>
    Object.assign(new Error(`${name} injected by the test`), {
      name,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
    });

  it('reads every page, a throttled one retried', async () => {
    const { aws, asked } = secondPage([fault('RequestLimitExceeded', 400)]);
    const found = await new InstancesAdapter(aws).find({ tags: { app: 'paged' } });
    expect(found.map((i) => i.id)).toEqual([instanceId]);
    expect(asked.page2).toBe(2);
  });

  it('throws when a later page fails, rather than answering with the first page', async () => {
    const { aws, asked } = secondPage([fault('UnauthorizedOperation', 403)]);
    const failure = new InstancesAdapter(aws).find({ tags: { app: 'paged' } });
    await expect(failure).rejects.toMatchObject({
      operation: 'DescribeInstances',
      code: 'UnauthorizedOperation',
    });
    expect(asked.page2).toBe(1);
  });
});
