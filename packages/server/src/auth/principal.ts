/** Roles of the platform (issue: identity and access). */
export const ROLES = ['admin', 'radiologist', 'resident', 'technician', 'referring', 'qc', 'researcher'] as const;
export type Role = (typeof ROLES)[number];

/** What a route can require. Checked on the server for every route (see auth/guard.ts). */
export const PERMISSIONS = [
  /** Search and read studies, images and metadata (PHI read). */
  'study:read',
  /** Send studies (STOW-RS, import). */
  'study:write',
  /** Share a study with another institution. */
  'study:share',
  /** Export identified data (downloads, forwarding). */
  'study:export',
  /** De-identified research exports. */
  'research:export',
  /** Review AI findings (accept, edit, reject) and read AI results. */
  'ai:review',
  /** Draft reports. */
  'report:write',
  /** Sign reports. */
  'report:sign',
  /** QC dashboards and AI monitoring. */
  'qc:read',
  /** Routing rules, autonomy settings, analyzers. */
  'ai:admin',
  /** Jobs: dead letters, retries, cancellation. */
  'jobs:admin',
  /** Users and API tokens of others. */
  'users:admin',
  /** Institutions and shares between them. */
  'institutions:admin',
  /** Audit trail query and export. */
  'audit:read',
  /** Prometheus metrics. */
  'metrics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL: readonly Permission[] = PERMISSIONS;

/** Role → permissions (data, so docs and tests can enumerate it). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ALL,
  radiologist: ['study:read', 'study:write', 'study:share', 'study:export', 'ai:review', 'report:write', 'report:sign'],
  resident: ['study:read', 'ai:review', 'report:write'],
  technician: ['study:read', 'study:write'],
  referring: ['study:read'],
  qc: ['study:read', 'ai:review', 'qc:read', 'metrics:read'],
  researcher: ['research:export'],
};

/** Who is making a request. */
export interface Principal {
  /** user: session cookie or OIDC; token: API token; dimse: a DICOM peer by calling AE; system: the platform itself. */
  kind: 'user' | 'token' | 'dimse' | 'system';
  /** User id (or token id, or AE title for DIMSE, or 'system'). */
  id: string;
  /** Login name or AE title: safe to log (not PHI). */
  name: string;
  role: Role;
  /**
   * Institution the principal belongs to (institutions.pk as a string); null = network-wide
   * (admins, the system). Tenancy in the data layer uses `visibleInstitutions`.
   */
  institutionPk: string | null;
  permissions: ReadonlySet<Permission>;
}

export function permissionsOf(role: Role, scopes?: readonly Permission[]): ReadonlySet<Permission> {
  const granted = ROLE_PERMISSIONS[role];
  return new Set(scopes ? granted.filter((p) => scopes.includes(p)) : granted);
}

/** The platform acting on its own (AI workers, demo import, study-stable routing). */
export const SYSTEM_PRINCIPAL: Principal = {
  kind: 'system',
  id: 'system',
  name: 'system',
  role: 'admin',
  institutionPk: null,
  permissions: new Set(ALL),
};

export function can(principal: Principal | undefined, permission: Permission): boolean {
  return principal?.permissions.has(permission) ?? false;
}
