/**
 * The local AWS (moto) for the sandbox and the tests: started on a free loopback port, stopped by PID.
 * Its state can be reset, and its record of every SNS message published can be read back, which is how
 * the e-mails are checked without a mailbox.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export interface SentMessage {
  topicArn: string;
  messageId: string;
  message: string;
  subject: string | null;
  attributes: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts `moto_server` (preinstalled here; elsewhere `pip install "moto[server]"`). Moto's bundled
 * public AMIs are left out so that tests and cleanup see only what they create.
 */
export async function startMoto(
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<Moto> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(process.env.MOTO_SERVER ?? 'moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) =>
      reject(
        new Error(
          `cannot start moto_server (${(e as NodeJS.ErrnoException).code}): install it with pip install "moto[server]"`,
        ),
      ),
    ),
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await Promise.race([waitUntilUp(endpoint, child, 30_000), spawnError]);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    endpoint,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Clears every service's state (moto recreates the default VPC). */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
}

type TopicDump = {
  arn: string;
  sent_notifications: [string, string, string | null, Record<string, { Value: string }> | null, unknown][];
};

/** Every message published to SNS topics, oldest first (moto keeps them, e-mail subscribers included). */
export async function sentMessages(endpoint: string, topicArn?: string): Promise<SentMessage[]> {
  const res = await fetch(`${endpoint}/moto-api/data.json`);
  const data = (await res.json()) as { sns?: { Topic?: TopicDump[] } };
  return (data.sns?.Topic ?? [])
    .filter((t) => !topicArn || t.arn === topicArn)
    .flatMap((t) =>
      t.sent_notifications.map(([messageId, message, subject, attributes]) => ({
        topicArn: t.arn,
        messageId,
        message,
        subject,
        attributes: Object.fromEntries(Object.entries(attributes ?? {}).map(([k, v]) => [k, v.Value])),
      })),
    );
}
