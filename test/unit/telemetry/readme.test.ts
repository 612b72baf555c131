/**
 * The README's "Logs and metrics" table is what operators and the dashboard build on: it lists every
 * metric the code declares, with its unit and exactly its dimensions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, type MetricName } from '../../../lib/telemetry/telemetry';
import { DEFAULT_NAMESPACE } from '../../../lib/telemetry/telemetry';

const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Logs and metrics'), readme.indexOf('## The policy file'));

const row = (name: string) => section.split('\n').find((l) => l.startsWith(`| \`${name}\``));

it('names the namespace', () => {
  expect(section).toContain(`namespace **\`${DEFAULT_NAMESPACE}\`**`);
});

it.each(Object.keys(METRICS) as MetricName[])('documents %s with its unit and dimensions', (name) => {
  const cells = row(name)
    ?.split('|')
    .map((c) => c.trim());
  expect(cells).toBeDefined();
  const [, , unit, dimensions] = cells!;
  expect(unit).toBe(METRICS[name].unit);
  const documented = dimensions === '—' ? [] : dimensions!.split(',').map((d) => d.trim().replace(/`/g, ''));
  expect(documented).toEqual([...METRICS[name].dimensions]);
});
