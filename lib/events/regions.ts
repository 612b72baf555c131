/**
 * Region codes from what events carry.
 *
 * A CloudWatch alarm's SNS message names its region only by display name (`"Region": "EU (Ireland)"`),
 * and the name has drifted over the years: `EU - Ireland` in old messages, `EU (Ireland)`, then
 * `Europe (Ireland)`; `South America (São Paulo)` with or without the accent. ARNs are the reliable
 * source when present, so callers try the ARN first and fall back to this table.
 *
 * Names follow the SDK's partition metadata (commercial, China, GovCloud, European Sovereign Cloud).
 */

const DISPLAY_NAMES: Record<string, string> = {
  'US East (N. Virginia)': 'us-east-1',
  'US East (Ohio)': 'us-east-2',
  'US West (N. California)': 'us-west-1',
  'US West (Oregon)': 'us-west-2',
  'Africa (Cape Town)': 'af-south-1',
  'Asia Pacific (Hong Kong)': 'ap-east-1',
  'Asia Pacific (Taipei)': 'ap-east-2',
  'Asia Pacific (Tokyo)': 'ap-northeast-1',
  'Asia Pacific (Seoul)': 'ap-northeast-2',
  'Asia Pacific (Osaka)': 'ap-northeast-3',
  'Asia Pacific (Mumbai)': 'ap-south-1',
  'Asia Pacific (Hyderabad)': 'ap-south-2',
  'Asia Pacific (Singapore)': 'ap-southeast-1',
  'Asia Pacific (Sydney)': 'ap-southeast-2',
  'Asia Pacific (Jakarta)': 'ap-southeast-3',
  'Asia Pacific (Melbourne)': 'ap-southeast-4',
  'Asia Pacific (Malaysia)': 'ap-southeast-5',
  'Asia Pacific (New Zealand)': 'ap-southeast-6',
  'Asia Pacific (Thailand)': 'ap-southeast-7',
  'Canada (Central)': 'ca-central-1',
  'Canada West (Calgary)': 'ca-west-1',
  'Europe (Frankfurt)': 'eu-central-1',
  'Europe (Zurich)': 'eu-central-2',
  'Europe (Stockholm)': 'eu-north-1',
  'Europe (Milan)': 'eu-south-1',
  'Europe (Spain)': 'eu-south-2',
  'Europe (Ireland)': 'eu-west-1',
  'Europe (London)': 'eu-west-2',
  'Europe (Paris)': 'eu-west-3',
  'Israel (Tel Aviv)': 'il-central-1',
  'Middle East (UAE)': 'me-central-1',
  'Middle East (Bahrain)': 'me-south-1',
  'Middle East (Saudi Arabia)': 'me-west-1',
  'Mexico (Central)': 'mx-central-1',
  'South America (São Paulo)': 'sa-east-1',
  'South America (Chile)': 'sa-west-1',
  'China (Beijing)': 'cn-north-1',
  'China (Ningxia)': 'cn-northwest-1',
  'AWS GovCloud (US-East)': 'us-gov-east-1',
  'AWS GovCloud (US-West)': 'us-gov-west-1',
  'AWS European Sovereign Cloud (Germany)': 'eusc-de-east-1',
  // Spellings seen in older notifications and in other AWS consoles.
  'US - N. Virginia': 'us-east-1',
  'US - N. California': 'us-west-1',
  'US - Oregon': 'us-west-2',
  'US East (Northern Virginia)': 'us-east-1',
  'US West (Northern California)': 'us-west-1',
  'AWS GovCloud (US)': 'us-gov-west-1',
};

/** Lower-case, accents and punctuation gone: `EU - Ireland`, `EU (Ireland)` and `eu (ireland)` meet. */
function displayKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const BY_KEY = new Map<string, string>(
  Object.entries(DISPLAY_NAMES).map(([name, code]) => [displayKey(name), code]),
);

/** The region code for a display name such as `EU (Ireland)`, or undefined when the name is unknown. */
export function regionFromDisplayName(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  const key = displayKey(name);
  const direct = BY_KEY.get(key);
  if (direct) return direct;
  // CloudWatch wrote `EU (…)` for years before AWS renamed the European regions `Europe (…)`.
  if (key.startsWith('eu ')) return BY_KEY.get(`europe ${key.slice(3)}`);
  return undefined;
}

// The first name listed for a code is the current one; later entries are aliases.
const NAME_BY_CODE = new Map<string, string>();
for (const [name, code] of Object.entries(DISPLAY_NAMES))
  if (!NAME_BY_CODE.has(code)) NAME_BY_CODE.set(code, name);

/**
 * The display name of a region code, as the SDK's partition metadata spells it (`Europe (Ireland)`),
 * for building notifications the way CloudWatch does; undefined for an unknown code.
 */
export function regionDisplayName(code: string): string | undefined {
  return NAME_BY_CODE.get(code);
}

/** Shapes of region codes in every partition: `eu-west-1`, `us-gov-west-1`, `cn-northwest-1`, `eusc-de-east-1`. */
const REGION_CODE = /^[a-z]{2,4}(?:-[a-z]+){1,2}-\d{1,2}$/;

export function isRegionCode(value: string | null | undefined): value is string {
  return typeof value === 'string' && REGION_CODE.test(value);
}

/** The region of an ARN (`arn:aws:sns:eu-west-1:123456789012:topic`), or undefined when it has none or a placeholder. */
export function regionFromArn(arn: string | null | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return isRegionCode(region) ? region : undefined;
}

/** The account of an ARN, or undefined when it is not a 12-digit account id. */
export function accountFromArn(arn: string | null | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
