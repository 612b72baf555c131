/**
 * The `Telemetry` port over Powertools Metrics: CloudWatch embedded metric format (EMF), one JSON
 * document per line on stdout, which CloudWatch Logs turns into metrics with no API call.
 *
 * One EMF document holds one value per dimension, so the two kinds of metric go differently:
 * - a metric with no dimension of its own (the cleanup counts) joins the invocation's document, which
 *   Powertools' `logMetrics` middleware flushes when the invocation ends;
 * - one with dimensions (a decision's target, action and outcome) is its own document, published at
 *   once (Powertools' `singleMetric`), with the decision's correlation id as metadata: searchable in
 *   Logs Insights beside the decision's log lines, and not a dimension, so it costs nothing.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { correlationId, serviceFromEnv, type Level, type Logger } from '../log';
import { DEFAULT_NAMESPACE, METRICS, type MetricName, type Telemetry } from './telemetry';

const UNITS = { Count: MetricUnit.Count, Seconds: MetricUnit.Seconds, None: MetricUnit.NoUnit } as const;

/**
 * Powertools Metrics' own notices, as lines of the product's log (JSON like the rest). Its warning on
 * a flush with nothing recorded would come on most invocations (a reconcile that changed nothing, a
 * workflow step): it is debug here.
 */
function noticesTo(log: Logger) {
  const at =
    (level: Level) =>
    (...content: unknown[]) =>
      log.log(level, content.map(String).join(' '));
  const warn = at('warn');
  const debug = at('debug');
  return {
    debug,
    info: at('info'),
    warn: (...content: unknown[]) =>
      String(content[0]).startsWith('No application metrics') ? debug(...content) : warn(...content),
    error: at('error'),
  };
}

/**
 * The functions' Metrics: namespace `AUTOPILOT_METRICS_NAMESPACE`, else Powertools'
 * `POWERTOOLS_METRICS_NAMESPACE`, else `ec2-autopilot`; the `service` dimension is the stage.
 * `POWERTOOLS_METRICS_DISABLED=true` publishes nothing.
 */
export function powertoolsMetrics(log: Logger, env: NodeJS.ProcessEnv = process.env): Metrics {
  return new Metrics({
    namespace: env.AUTOPILOT_METRICS_NAMESPACE || env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE,
    serviceName: serviceFromEnv(env),
    logger: noticesTo(log),
  });
}

export function emfTelemetry(metrics: Metrics): Telemetry {
  const record = (name: MetricName, value: number, dimensions: Record<string, string>) => {
    if (!Number.isFinite(value)) return;
    const { unit, dimensions: declared } = METRICS[name];
    if (declared.length === 0) {
      metrics.addMetric(name, UNITS[unit], value);
      return;
    }
    const one = metrics.singleMetric();
    // Only the declared dimensions, each with a value (EMF refuses an empty one): the set stays small.
    for (const d of declared as readonly string[]) one.addDimension(d, dimensions[d] || 'none');
    const id = correlationId();
    if (id) one.addMetadata('correlation_id', id);
    one.addMetric(name, UNITS[unit], value);
  };
  return {
    count: (name, dimensions, value = 1) => record(name, value, dimensions),
    measure: (name, value, dimensions) => record(name, value, dimensions),
  };
}
