/**
 * Walks the action registry: every action type of the contract has its module, each declares what it
 * calls, and each type is defined in one module only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '../../../lib/actions/registry';

const DIR = join(__dirname, '..', '..', '..', 'lib', 'actions');

/**
 * DESIGN §3's action types, the cleanup ones issue 4 added, image refresh's (issue 9), and the group
 * metrics reconcile turns on for the dashboard (issue 11).
 */
const CONTRACT = [
  'set-desired-capacity',
  'resize-instance',
  'fail-over',
  'refresh-image',
  'start-instance-refresh',
  'deprecate-image',
  'move-address',
  'update-alarm',
  'release-address',
  'delete-volume',
  'delete-snapshot',
  'deregister-image',
  'delete-alarm',
  'enable-group-metrics',
  'delete-topic',
  'delete-subscription',
  'delete-launch-configuration',
  'delete-launch-template-version',
  'delete-auto-scaling-group',
  'terminate-instance',
  'mark-resource',
  'unmark-resource',
];

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
  });
}

it('has a module for every action type of the contract, and no other', () => {
  expect(Object.keys(ACTIONS).sort()).toEqual([...CONTRACT].sort());
});

describe.each(Object.entries(ACTIONS))('%s', (type, module) => {
  it('is the module of its own type', () => {
    expect(module.type).toBe(type);
  });

  it('declares the IAM actions applying it calls', () => {
    expect(module.permissions.length).toBeGreaterThan(0);
    for (const p of module.permissions) expect(p).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/);
  });

  it('applies itself, one by one or in batches', () => {
    expect(Boolean(module.apply) || Boolean(module.applyBatch)).toBe(true);
  });

  it('is defined in exactly one module file', () => {
    const defining = sources(DIR).filter((s) => s.text.includes(`defineAction({\n  type: '${type}',`));
    expect(defining.map((s) => s.file.slice(DIR.length + 1))).toHaveLength(1);
  });
});
