/** `autopilot schema`: the policy file's JSON Schema, for editors (also committed as autopilot.schema.json). */
import { policyJsonSchema } from '../../policy/json-schema';
import { EXIT, type CliContext } from '../context';

export function schema(ctx: CliContext): number {
  ctx.io.stdout(JSON.stringify(policyJsonSchema(), null, 2));
  return EXIT.ok;
}
