/**
 * A fault-injecting proxy between the product's AWS clients and moto: the network of an operator's bad
 * day, on loopback. Each rule picks requests by operation (and optionally by a text in the body) and
 * does one of:
 *
 * - `drop`: closes the connection before the request reaches moto (nothing happened; the client sees a
 *   reset / socket hang up);
 * - `lose-answer`: forwards the request, lets moto apply it, then closes the connection instead of
 *   answering (it happened, but the client cannot know);
 * - `hang`: accepts the request and never answers (the client's timeout must end it);
 * - `apply-then-hang`: forwards the request (moto applies it) and never answers;
 * - `deny`: answers 403 UnauthorizedOperation in EC2's error format, as IAM would (not retryable);
 * - `answer`: answers with the rule's `answer` instead of moto (a call moto lacks, answered as AWS does).
 *
 * `times` bounds how often a rule fires (default: once); `chance` makes it random, from a seeded
 * generator, so that a failing seed can be run again.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'drop' | 'lose-answer' | 'hang' | 'apply-then-hang' | 'deny' | 'answer';

export interface FaultRule {
  operation: string | RegExp;
  /** Only requests whose body contains this (e.g. a DynamoDB key prefix). */
  body?: string;
  mode: FaultMode;
  /** For `answer`: the HTTP answer given (status, headers, body). */
  answer?: { statusCode: number; headers: Record<string, string>; body: Buffer };
  /** How many times it fires. @default 1 */
  times?: number;
  /** The probability it fires on a matching request (with `seed`). @default 1 */
  chance?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Every request seen, by operation, in order; with the fault it met, if any. */
  log: { operation: string; fault?: FaultMode }[];
  rules: FaultRule[];
  count(operation: string): number;
  /** Starts the random faults again from `seed` (and forgets how often each rule fired). */
  reseed(seed: number): void;
  close(): Promise<void>;
}

/** The operation a request names: JSON protocols in a header, rpc-v2 in the path, query in the body. */
export function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  const path = /\/operation\/([A-Za-z]+)/.exec(req.url ?? '');
  if (path) return path[1]!;
  return new URLSearchParams(body).get('Action') ?? `${req.method} ${req.url}`;
}

/** mulberry32: a small seeded generator, so that random faults can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultProxy(
  upstream: string,
  rules: FaultRule[] = [],
  seed = 1,
): Promise<FaultProxy> {
  const to = new URL(upstream);
  let random = seeded(seed);
  const fired = new Map<FaultRule, number>();
  const log: FaultProxy['log'] = [];
  const hanging = new Set<ServerResponse>();

  const pick = (operation: string, body: string): FaultRule | undefined =>
    proxy.rules.find((r) => {
      const named = typeof r.operation === 'string' ? r.operation === operation : r.operation.test(operation);
      if (!named || (r.body && !body.includes(r.body))) return false;
      if ((fired.get(r) ?? 0) >= (r.times ?? 1)) return false;
      if (r.chance !== undefined && random() >= r.chance) return false;
      fired.set(r, (fired.get(r) ?? 0) + 1);
      return true;
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(req, body.toString('utf8'));
      const rule = pick(operation, body.toString('utf8'));
      log.push({ operation, ...(rule ? { fault: rule.mode } : {}) });
      if (rule?.mode === 'drop') return void req.socket.destroy();
      if (rule?.mode === 'hang') return void hanging.add(res);
      if (rule?.mode === 'deny') {
        res.writeHead(403, { 'content-type': 'text/xml' });
        return void res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>' +
            `<Message>You are not authorized to perform ${operation}.</Message></Error></Errors>` +
            '<RequestID>fault-proxy</RequestID></Response>',
        );
      }
      if (rule?.mode === 'answer' && rule.answer) {
        res.writeHead(rule.answer.statusCode, rule.answer.headers);
        return void res.end(rule.answer.body);
      }
      const out = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          if (rule?.mode === 'apply-then-hang') {
            answer.resume();
            hanging.add(res);
            return;
          }
          if (rule?.mode === 'lose-answer') {
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => req.socket.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    rules,
    count: (operation) => log.filter((l) => l.operation === operation).length,
    reseed: (next) => {
      random = seeded(next);
      fired.clear();
    },
    close: async () => {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
