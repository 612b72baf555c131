/**
 * A dashboard's body as CloudFormation would render it: the `Fn::Sub` string with each `${Variable}`
 * replaced by `<Variable>` (and `${!…}` by the literal `${…}`), parsed. The variables are returned too,
 * so that a test can check that each names a resource of the template or a pseudo parameter.
 */
export interface DashboardWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown> & { title?: string; alarms?: string[]; metrics?: unknown[][] };
}

export function renderDashboard(resource: { Properties: Record<string, unknown> }): {
  name: unknown;
  variables: string[];
  widgets: DashboardWidget[];
} {
  const body = (resource.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  const variables = new Set<string>();
  const rendered = body.replace(/\$\{(!?)([^}]*)\}/g, (_m, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    variables.add(name);
    return `<${name}>`;
  });
  const parsed = JSON.parse(rendered) as { widgets: DashboardWidget[] };
  return {
    name: resource.Properties.DashboardName,
    variables: [...variables].sort(),
    widgets: parsed.widgets,
  };
}

/** Every alarm ARN a widget names: an alarm-status widget's list, a graph's alarm annotation. */
export const widgetAlarms = (w: DashboardWidget): string[] => [
  ...(w.properties.alarms ?? []),
  ...(((w.properties.annotations as { alarms?: string[] } | undefined)?.alarms ?? []) as string[]),
];

/** The metrics of a widget as strings, for `toContain` checks (expressions and metric arrays alike). */
export const widgetMetrics = (w: DashboardWidget): string[] =>
  (w.properties.metrics ?? []).map((m) => JSON.stringify(m));
