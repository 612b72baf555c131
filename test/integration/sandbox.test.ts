/** `npm start`: the sandbox runs the whole path against its own local AWS and says what happened. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

it('scales web-asg out 1 → 3 and blog up t2.micro → t2.small keeping its address, with the e-mails', () => {
  const root = join(__dirname, '..', '..');
  const run = spawnSync(process.execPath, [join(root, 'bin', 'autopilot.js'), 'sandbox'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    timeout: 120_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('== web-asg desired capacity: 1 → 3');
  expect(run.stdout).toContain('Subject: [ec2-autopilot] web: scaled web-asg out 1 → 3');
  expect(run.stdout).toMatch(
    /== Elastic IP [\d.]+: i-\w+ \(t2\.micro, now stopped\) → i-\w+ \(t2\.small, running\)/,
  );
  expect(run.stdout).toMatch(
    /Subject: \[ec2-autopilot\] blog: resized i-\w+ t2\.micro → t2\.small \(now i-\w+\)/,
  );
}, 150_000);
