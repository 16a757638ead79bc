// Module boundaries and cycles (see ../shared/design.md "Direction of imports" and
// conventions.md "One front door per module").
const modules = [
  'siem',
  'detections',
  'soar',
  'ir-runbooks',
  'sbom',
  'evidence',
  'controls',
  'dashboards',
  'web',
];
const mod = `(${modules.join('|')})`;

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'platform-imports-no-module',
      comment: 'platform/ is the shared kernel: it imports no domain module, api, app or bin.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: `^(${modules.join('|')}|api|app|bin)/` },
    },
    {
      name: 'modules-never-import-outer-layers',
      comment: 'A module never imports api/, app/ or bin/.',
      severity: 'error',
      from: { path: `^${mod}/` },
      to: { path: '^(api|app|bin)/' },
    },
    {
      name: 'api-never-imports-app-or-bin',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^(app|bin)/' },
    },
    {
      name: 'app-never-imports-bin',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^bin/' },
    },
    {
      name: 'front-door-only',
      comment: 'Outside a module, import only its index.ts (platform sub-areas count as modules).',
      severity: 'error',
      from: { path: '^([^/]+)/', pathNot: ['\\.test\\.ts$', '^bench/'] },
      to: {
        path: `^(${modules.join('|')}|platform/[^/]+)/.+`,
        // platform/identity/http has its own front door: platform/http imports identity, so
        // identity's routes cannot be exported from platform/identity/index.ts without a cycle.
        pathNot: [
          `^(${modules.join('|')}|platform/[^/]+)/index\\.ts$`,
          '^platform/identity/http/index\\.ts$',
          '^$1/',
        ],
      },
    },
    {
      name: 'module-direction',
      comment:
        'Allowed edges between modules: detections→siem, soar→detections, ir-runbooks→soar, evidence→any, controls→evidence.',
      severity: 'error',
      from: { path: '^(siem|sbom|dashboards|web)/' },
      to: { path: '^(detections|soar|ir-runbooks|evidence|controls)/' },
    },
    {
      name: 'detections-direction',
      severity: 'error',
      from: { path: '^detections/' },
      to: { path: '^(soar|ir-runbooks|evidence|controls|sbom)/' },
    },
    {
      name: 'soar-direction',
      severity: 'error',
      from: { path: '^soar/' },
      to: { path: '^(ir-runbooks|evidence|controls|sbom)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|data|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
