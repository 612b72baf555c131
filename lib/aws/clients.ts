/**
 * The one place that makes AWS SDK clients. Each client's module is imported on first use, not at load:
 * a Lambda cold start pays only for the clients its path needs (an ignored event loads none; the EC2
 * client, the heaviest, loads only where an instance is touched). Region and endpoint come from the
 * standard environment (`AWS_REGION`, `AWS_ENDPOINT_URL`) unless given here.
 *
 * Every client makes one attempt per request: retrying is the one retry policy's job (./retry.ts, applied
 * by `call`), and the SDK's standard mode underneath it would multiply the attempts. `AWS_MAX_ATTEMPTS`
 * therefore changes nothing.
 */
import type * as AutoScaling from '@aws-sdk/client-auto-scaling';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import type * as EC2 from '@aws-sdk/client-ec2';
import type * as Pricing from '@aws-sdk/client-pricing';
import type * as Tagging from '@aws-sdk/client-resource-groups-tagging-api';
import type * as SFN from '@aws-sdk/client-sfn';
import type * as SNS from '@aws-sdk/client-sns';
import type * as SQS from '@aws-sdk/client-sqs';

export interface ClientOptions {
  region?: string;
  /** Overrides `AWS_ENDPOINT_URL` (tests, local emulators). */
  endpoint?: string;
  /**
   * The SDK's own attempts per request, under the retry policy's: leave it at 1, or each retried call
   * costs this many requests per attempt. @default 1
   */
  maxAttempts?: number;
  /** Time to open a connection before the attempt fails (and is retried). @default 3000 */
  connectTimeoutMs?: number;
  /**
   * Time a request may go without an answer before the attempt fails (and is retried): an endpoint that
   * accepts the connection and never answers must not hold a command or a Lambda until its timeout.
   * @default 10000
   */
  requestTimeoutMs?: number;
}

/** A positive number of milliseconds from the environment, else `fallback`. */
function millis(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

interface Loaded<C, M> {
  client: C;
  sdk: M;
}

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

export class AwsClients {
  readonly region: string;

  constructor(private readonly options: ClientOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error("no AWS region: set AWS_REGION or the policy's region");
    this.region = region;
  }

  /** The same clients' options in another region (this one, if it is the same). */
  inRegion(region: string): AwsClients {
    return region === this.region ? this : new AwsClients({ ...this.options, region });
  }

  private config() {
    return {
      region: this.region,
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      maxAttempts: this.options.maxAttempts ?? 1,
      requestHandler: {
        connectionTimeout:
          this.options.connectTimeoutMs ?? millis(process.env.AUTOPILOT_CONNECT_TIMEOUT_MS, 3_000),
        requestTimeout:
          this.options.requestTimeoutMs ?? millis(process.env.AUTOPILOT_REQUEST_TIMEOUT_MS, 10_000),
        // Without it the handler only warns when the request timeout passes, and goes on waiting.
        throwOnRequestTimeout: true,
      },
    };
  }

  readonly autoScaling = lazy(
    async (): Promise<Loaded<AutoScaling.AutoScalingClient, typeof AutoScaling>> => {
      const sdk = await import('@aws-sdk/client-auto-scaling');
      return { client: new sdk.AutoScalingClient(this.config()), sdk };
    },
  );

  readonly cloudWatch = lazy(async (): Promise<Loaded<CloudWatch.CloudWatchClient, typeof CloudWatch>> => {
    const sdk = await import('@aws-sdk/client-cloudwatch');
    return { client: new sdk.CloudWatchClient(this.config()), sdk };
  });

  readonly dynamoDb = lazy(async (): Promise<Loaded<DynamoDB.DynamoDBClient, typeof DynamoDB>> => {
    const sdk = await import('@aws-sdk/client-dynamodb');
    return { client: new sdk.DynamoDBClient(this.config()), sdk };
  });

  readonly ec2 = lazy(async (): Promise<Loaded<EC2.EC2Client, typeof EC2>> => {
    const sdk = await import('@aws-sdk/client-ec2');
    return { client: new sdk.EC2Client(this.config()), sdk };
  });

  /** The Pricing API answers in us-east-1 (and a few other regions), whatever region the fleet is in. */
  readonly pricing = lazy(async (): Promise<Loaded<Pricing.PricingClient, typeof Pricing>> => {
    const sdk = await import('@aws-sdk/client-pricing');
    return { client: new sdk.PricingClient({ ...this.config(), region: 'us-east-1' }), sdk };
  });

  readonly tagging = lazy(
    async (): Promise<Loaded<Tagging.ResourceGroupsTaggingAPIClient, typeof Tagging>> => {
      const sdk = await import('@aws-sdk/client-resource-groups-tagging-api');
      return { client: new sdk.ResourceGroupsTaggingAPIClient(this.config()), sdk };
    },
  );

  readonly stepFunctions = lazy(async (): Promise<Loaded<SFN.SFNClient, typeof SFN>> => {
    const sdk = await import('@aws-sdk/client-sfn');
    return { client: new sdk.SFNClient(this.config()), sdk };
  });

  readonly sns = lazy(async (): Promise<Loaded<SNS.SNSClient, typeof SNS>> => {
    const sdk = await import('@aws-sdk/client-sns');
    return { client: new sdk.SNSClient(this.config()), sdk };
  });

  /** The failed-events queue (Lambda's on-failure destination), read by `autopilot redrive`. */
  readonly sqs = lazy(async (): Promise<Loaded<SQS.SQSClient, typeof SQS>> => {
    const sdk = await import('@aws-sdk/client-sqs');
    return { client: new sdk.SQSClient(this.config()), sdk };
  });
}
