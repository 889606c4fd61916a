import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './principal.js';
import { PUBLIC_ROUTES } from './publicRoutes.js';

/** The roles × permissions table of docs/security.md (a test checks the doc holds exactly this). */
export function rolePermissionTable(): string {
  const head = `| permission | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = PERMISSIONS.map(
    (p) => `| \`${p}\` | ${ROLES.map((r) => (ROLE_PERMISSIONS[r].includes(p) ? '✓' : '')).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}

/** The public routes table of docs/security.md. */
export function publicRouteTable(): string {
  return [
    '| method | route | why |',
    '|---|---|---|',
    ...PUBLIC_ROUTES.map((r) => `| ${r.method} | \`${r.url}\` | ${r.why} |`),
  ].join('\n');
}
