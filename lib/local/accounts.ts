/**
 * Credentials of another account in the local AWS: moto maps the keys of an assumed role to the role's
 * account, which is how the tests and the bench make cross-account state (a subscription this account
 * holds to another account's topic, which outlives the topic).
 */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export async function otherAccountCredentials(endpoint: string, account: string): Promise<Credentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: `arn:aws:iam::${account}:role/publisher`,
    RoleSessionName: 'autopilot-local',
  });
  const res = await fetch(endpoint, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes by the credential scope's service name; the signature itself is not checked.
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
    },
  });
  const xml = await res.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';
  const credentials = {
    accessKeyId: field('AccessKeyId'),
    secretAccessKey: field('SecretAccessKey'),
    sessionToken: field('SessionToken'),
  };
  if (!credentials.accessKeyId) throw new Error(`AssumeRole in the local AWS failed: HTTP ${res.status}`);
  return credentials;
}
