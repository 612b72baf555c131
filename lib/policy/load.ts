/**
 * Reads and validates the policy file. The file is found from `--config`, then `$AUTOPILOT_CONFIG`,
 * then `./autopilot.yml`; every problem found is reported at once, each with the path of its field.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { PolicyError } from '../errors';
import type { Policy } from './policy';
import { validatePolicy } from './validate';

export const DEFAULT_POLICY_FILE = 'autopilot.yml';

export function policyPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.AUTOPILOT_CONFIG ?? DEFAULT_POLICY_FILE;
}

/** Validates policy text (YAML or JSON). `file` only names the source in messages. */
export function parsePolicy(text: string, file = DEFAULT_POLICY_FILE): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      file,
      doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return `line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  let value: unknown;
  try {
    // Aliases are expanded here: a document that expands too far (an alias bomb) stops, naming the file.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new PolicyError(file, [`cannot read the YAML: ${(cause as Error).message}`], { cause });
  }
  return validatePolicy(value, file);
}

export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new PolicyError(
      file,
      [code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`],
      {
        cause,
      },
    );
  }
  return parsePolicy(text, file);
}
