/** One e-mail as the notifications topic sends it: plain text, a subject of at most 100 characters. */
export interface Email {
  subject: string;
  body: string;
  /** SNS message attributes, for subscription filter policies. */
  attributes: { target: string; action: string; outcome: string };
}
