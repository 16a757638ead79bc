/**
 * Permissions are `<resource>:<action>`. This catalog lists every permission a route may
 * declare; a route declaring one that is not here fails at start-up (see `assertKnownPermission`),
 * so a typo cannot silently deny (or allow) everyone. Custom roles may also hold the secrets
 * permissions limited to paths (`secrets:read:soar/*`, see `scoped-permissions.ts`).
 */
export const PERMISSIONS = {
  'events:read': 'Search and read stored events',
  'sources:read': 'List ingest sources',
  'sources:write': 'Create, rotate, enable and disable ingest sources',
  'secrets:list': 'List secret paths and their metadata',
  'secrets:read': 'Read secret values',
  'secrets:write': 'Create, rotate and delete secrets',
  'audit:read': 'Read the audit log, its checkpoints and proofs',
  'audit:export': 'Export the audit log',
  'audit:checkpoint': 'Sign a checkpoint of the audit log now',
  'tenants:read': 'Read tenants',
  'tenants:write': 'Create and change tenants',
  'rbac:read': 'Read roles and role bindings',
  'rbac:write': 'Create and change roles and role bindings',
  'users:read': 'Read user accounts',
  'users:write': 'Create, change, lock and unlock user accounts',
  'agents:read': 'Read automation agents (OAuth2 clients)',
  'agents:write': 'Create, rotate and disable automation agents',
  'tokens:write': 'Create and revoke platform API tokens',
  'elevation:request': 'Ask for a role for a limited time',
  'elevation:approve': 'Grant or refuse elevation requests',
  'alerts:read': 'Read alerts',
  'alerts:write': 'Triage alerts (acknowledge, assign, resolve)',
  'sla:write': 'Change the SLA policies (acknowledge and resolve targets per severity)',
  'cases:read': 'Read cases',
  'cases:write': 'Create and work cases',
  'detections:read': 'Read detection rules',
  'detections:write': 'Enable, disable and reload detection rules',
  'playbooks:read': 'Read playbooks and their runs',
  'playbooks:write': 'Create and change playbooks',
  'playbooks:run': 'Start playbooks and approve their steps',
  'containment:execute': 'Run containment actions (block addresses, disable users)',
  'runbooks:read': 'Read IR runbooks and exercises',
  'runbooks:write': 'Write runbooks and run tabletop exercises',
  'signatures:verify': 'Verify signatures and run the supply-chain gate',
  'sbom:read': 'Read SBOMs and findings',
  'sbom:write': 'Upload SBOMs and findings',
  'admission:review': 'Answer Kubernetes admission reviews',
  'evidence:read': 'Read evidence metadata',
  'evidence:download': 'Download evidence and evidence packs',
  'evidence:write': 'Upload manual evidence and run collectors',
  'controls:read': 'Read controls, frameworks and posture',
  'reports:read': 'List and download reports',
  'reports:generate': 'Generate reports and evidence packs',
  'metrics:read': 'Read MTTA/MTTR and other measures',
} as const;

export type Permission = keyof typeof PERMISSIONS;

const ALL = Object.keys(PERMISSIONS) as Permission[];
// `secrets:read` is the right to read secret values: `read-only` must not carry it; listing
// paths and metadata (`secrets:list`) is a read like any other.
const READS = ALL.filter(
  (p) => (p.endsWith(':read') && p !== 'secrets:read') || p === 'secrets:list',
);

/**
 * Built-in roles. Custom roles are stored per tenant; these exist in every tenant and cannot
 * be changed. `auditor` reads evidence and reports and changes nothing; `ci` only runs the
 * signature gate.
 */
export const BUILT_IN_ROLES: Readonly<
  Record<string, { readonly description: string; readonly permissions: readonly Permission[] }>
> = {
  admin: { description: 'Everything, in its tenant', permissions: ALL },
  'soc-analyst': {
    description: 'Searches events and triages alerts and cases',
    permissions: [
      'events:read',
      'sources:read',
      'alerts:read',
      'alerts:write',
      'cases:read',
      'cases:write',
      'detections:read',
      'playbooks:read',
      'playbooks:run',
      'runbooks:read',
      'metrics:read',
      'elevation:request',
    ],
  },
  'ir-responder': {
    description: 'Responds to incidents: cases, playbooks, runbooks; containment through elevation',
    permissions: [
      'events:read',
      'alerts:read',
      'alerts:write',
      'cases:read',
      'cases:write',
      'playbooks:read',
      'playbooks:run',
      'runbooks:read',
      'runbooks:write',
      'metrics:read',
      'elevation:request',
    ],
  },
  'grc-agent': {
    description: 'Collects evidence and produces reports',
    permissions: [
      'evidence:read',
      'evidence:write',
      'evidence:download',
      'controls:read',
      'reports:read',
      'reports:generate',
      'audit:read',
      'metrics:read',
      'sbom:read',
    ],
  },
  auditor: {
    description: 'Reads evidence, controls and reports, and downloads them; changes nothing',
    permissions: [
      'evidence:read',
      'evidence:download',
      'controls:read',
      'reports:read',
      'audit:read',
      'audit:export',
    ],
  },
  ci: {
    description: 'Runs the supply-chain signature gate only',
    permissions: ['signatures:verify'],
  },
  'read-only': { description: 'Reads everything but secrets values', permissions: READS },
};

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** The permissions of a set of roles (built-in or custom, looked up by the caller). */
export function permissionsOf(
  roles: readonly string[],
  custom: ReadonlyMap<string, readonly string[]> = new Map(),
): Set<string> {
  const out = new Set<string>();
  for (const role of roles)
    for (const p of BUILT_IN_ROLES[role]?.permissions ?? custom.get(role) ?? []) out.add(p);
  return out;
}
