/** Publishes e-mails to the notifications topic, with message attributes for subscription filters. */
import type { Email } from '../model/email';
import { call } from './call';
import type { AwsClients } from './clients';

export class Notifier {
  constructor(
    private readonly aws: AwsClients,
    readonly topicArn: string,
  ) {}

  async publish(email: Email): Promise<string | undefined> {
    const { client, sdk } = await this.aws.sns();
    const out = await call('Publish', () =>
      client.send(
        new sdk.PublishCommand({
          TopicArn: this.topicArn,
          Subject: email.subject,
          Message: email.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(email.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          ),
        }),
      ),
    );
    return out.MessageId;
  }
}
