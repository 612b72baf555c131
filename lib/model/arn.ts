/** `arn:aws:sns:eu-west-1:123456789012:alerts` → its region, account and name. */
export function parseArn(arn: string): { region: string; account: string; resource: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}
