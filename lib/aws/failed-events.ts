/**
 * The failed-events queue: the SQS queue serverless.yml makes the on-failure destination of every
 * asynchronously invoked function (`ec2-autopilot-<stage>-failed-events`). Lambda puts one invocation
 * record in it for each event whose invocation failed for good (its retries spent, or too old to run);
 * `autopilot redrive` reads them back.
 *
 * SQS semantics this relies on: a received message is hidden for its visibility timeout and comes back
 * unless deleted, so a message is deleted only after its event was handled, and one that fails again
 * simply stays. Each message is received alone, just before it is handled, so that it gets the whole
 * timeout to itself (a resize run in the process can take minutes), and so that the receipt handle used
 * to delete it is the one it was last received with.
 */
import { call, isAwsCode } from './call';
import type { AwsClients } from './clients';

export interface QueuedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** How many times SQS has handed it out (this receive included). */
  receiveCount: number;
  /** When Lambda sent it (epoch ms), if SQS says. */
  sentAt?: number;
}

/** Long enough for the longest handling (a Lambda's own ceiling is 15 minutes). */
export const HANDLING_TIMEOUT_SECONDS = 900;
/** A receive waits this long for a message before saying the queue is empty (long polling). */
const WAIT_SECONDS = 1;

export class FailedEventsQueue {
  private constructor(
    private readonly aws: AwsClients,
    readonly name: string,
    readonly url: string,
  ) {}

  /** The queue of this name in the client's region, or undefined if it does not exist. */
  static async find(aws: AwsClients, name: string): Promise<FailedEventsQueue | undefined> {
    const { client, sdk } = await aws.sqs();
    try {
      const out = await call('GetQueueUrl', () =>
        client.send(new sdk.GetQueueUrlCommand({ QueueName: name })),
      );
      return out.QueueUrl ? new FailedEventsQueue(aws, name, out.QueueUrl) : undefined;
    } catch (error) {
      if (
        isAwsCode(error, 'QueueDoesNotExist') ||
        isAwsCode(error, 'AWS.SimpleQueueService.NonExistentQueue')
      )
        return undefined;
      throw error;
    }
  }

  /**
   * The next message, hidden from other receivers for `visibilitySeconds`; undefined when none is
   * visible. Long polling (a short wait) asks every SQS server, so an empty answer means empty.
   */
  async receive(visibilitySeconds = HANDLING_TIMEOUT_SECONDS): Promise<QueuedMessage | undefined> {
    const { client, sdk } = await this.aws.sqs();
    const out = await call('ReceiveMessage', () =>
      client.send(
        new sdk.ReceiveMessageCommand({
          QueueUrl: this.url,
          MaxNumberOfMessages: 1,
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: WAIT_SECONDS,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      ),
    );
    const m = out.Messages?.[0];
    if (!m?.MessageId || !m.ReceiptHandle) return undefined;
    const sent = Number(m.Attributes?.SentTimestamp);
    return {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
      ...(Number.isFinite(sent) ? { sentAt: sent } : {}),
    };
  }

  /** Removes a handled message. Deleting one already deleted (a retry after a lost answer) succeeds. */
  async delete(message: QueuedMessage): Promise<void> {
    const { client, sdk } = await this.aws.sqs();
    await call('DeleteMessage', () =>
      client.send(new sdk.DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: message.receiptHandle })),
    );
  }

  /**
   * Makes a message that was read but not handled visible again now, instead of when its timeout
   * lapses: the next redrive (after the cause is fixed) sees it at once. Best effort: if this fails,
   * the timeout lapses anyway.
   */
  async release(message: QueuedMessage): Promise<void> {
    const { client, sdk } = await this.aws.sqs();
    await call('ChangeMessageVisibility', () =>
      client.send(
        new sdk.ChangeMessageVisibilityCommand({
          QueueUrl: this.url,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: 0,
        }),
      ),
    );
  }
}
