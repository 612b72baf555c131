/**
 * The layers of lib/ and functions/ (DESIGN.md §2, §6), enforced by `npm run lint` instead of by memory.
 *
 * LAYERS is ordered lowest first. A file may import from its own layer and from the layers before it,
 * never from a layer after it. Layers listed together in one inner array share a rank and are siblings:
 * neither may import the other. Adding a layer is one entry here: the rules below are built from the list,
 * one per layer, each naming the layers it may not import and why.
 *
 * Type-only imports count (tsPreCompilationDeps), and so do dynamic `import()`s: a type pulled from a
 * higher layer couples the lower one to it just as much, and a circle through types is still a circle.
 */

/**
 * @param {string} name what the rules and their messages call the layer
 * @param {string[]} paths its folders (ending in `/`) and files, relative to the repository root
 * @param {string} why why nothing in it may import a layer above it
 */
const layer = (name, paths, why) => ({ name, paths, why });

const LAYERS = [
  layer(
    'base',
    ['lib/errors.ts', 'lib/log.ts', 'lib/concurrency.ts', 'lib/validation/', 'lib/telemetry/'],
    'errors, logging, metrics and validation are used by every layer, so they can depend on none of them',
  ),
  layer(
    'events',
    ['lib/events/'],
    'event schemas describe what AWS sends; they know nothing of what we do with it',
  ),
  layer(
    'model',
    ['lib/model/'],
    'the domain types are the shared vocabulary; code above speaks it, it speaks of nothing above',
  ),
  layer(
    'pricing',
    ['lib/pricing/'],
    'prices are facts about instance types, independent of any policy or plan',
  ),
  layer(
    'policy',
    ['lib/policy/'],
    'the policy file is read and validated without knowing how it will be planned or executed',
  ),
  [
    layer(
      'plan',
      ['lib/plan/'],
      'planners are pure: (trigger, snapshot, policy, now) → Plan, with no I/O and no SDK',
    ),
    layer(
      'aws',
      ['lib/aws/'],
      'adapters never decide: they make calls and map errors, and know no planner or use case',
    ),
  ],
  layer(
    'actions',
    ['lib/actions/'],
    'an action applies through narrow ports; it is used by the executor, not the other way',
  ),
  layer(
    'notify',
    ['lib/notify/'],
    'e-mail text is made from plans and outcomes, and must not reach into the use cases',
  ),
  layer(
    'app',
    ['lib/app/'],
    'the use cases compose the layers below; the workflows and shells compose the use cases',
  ),
  layer(
    'workflows',
    ['lib/workflows/'],
    'state machines and their tasks run use cases; no use case depends on a workflow',
  ),
  layer(
    'local',
    ['lib/local/'],
    'the local fleet and emulator helpers drive the product from outside; the product never depends on them',
  ),
  layer(
    'shells',
    ['lib/deploy/', 'lib/lambda/', 'lib/cli/', 'lib/sandbox/', 'functions/'],
    'the imperative shells are entry points: they wire everything below together, and nothing imports them',
  ),
];

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One anchored regular expression matching every file of the given paths. */
const pattern = (paths) => paths.map((path) => `^${escape(path)}${path.endsWith('/') ? '' : '$'}`).join('|');

const ranks = LAYERS.map((entry) => (Array.isArray(entry) ? entry : [entry]));

const layerRules = ranks.flatMap((rank, index) =>
  rank.flatMap((own) => {
    const forbidden = [...rank.filter((sibling) => sibling !== own), ...ranks.slice(index + 1).flat()];
    if (forbidden.length === 0) return []; // the top layer may import everything
    const names = forbidden.map((target) => target.name).join(', ');
    return [
      {
        name: `layer-${own.name}`,
        severity: 'error',
        comment: `${own.name} may not import ${names}: ${own.why}.`,
        from: { path: pattern(own.paths) },
        to: { path: pattern(forbidden.flatMap((target) => target.paths)) },
      },
    ];
  }),
);

const layered = pattern(ranks.flat().flatMap((entry) => entry.paths));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'layer-unknown',
      severity: 'error',
      comment:
        'Every file of lib/ and functions/ belongs to a layer, so that no new folder escapes the rules: add it to LAYERS in .dependency-cruiser.cjs.',
      from: { path: '^(lib|functions)/', pathNot: layered },
      to: {},
    },
    {
      name: 'layer-unknown-target',
      severity: 'error',
      comment:
        'Every file of lib/ and functions/ belongs to a layer, so that no new folder escapes the rules: add it to LAYERS in .dependency-cruiser.cjs.',
      from: { path: '^(lib|functions)/' },
      to: { path: '^(lib|functions)/', pathNot: layered },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A circle makes the order of module evaluation matter (a value read before it is defined is undefined) and ties its files into one unit that cannot be understood, tested or bundled apart.',
      from: { path: '^(lib|functions)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
