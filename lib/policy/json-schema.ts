/** The policy file's JSON Schema, generated from the zod schema so the two cannot disagree. */
import * as z from 'zod/mini';
import { PolicyFileSchema } from './schema';

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://github.com/ec2-autopilot/ec2-autopilot/autopilot.schema.json',
    title: 'ec2-autopilot policy (autopilot.yml)',
  };
}
