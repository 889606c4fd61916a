import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { publicRouteTable, rolePermissionTable } from './docTables.js';

const doc = readFileSync(new URL('../../../../docs/security.md', import.meta.url), 'utf8');

function between(name: string): string {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(doc);
  if (!m) throw new Error(`docs/security.md has no ${name} block`);
  return m[1] ?? '';
}

describe('docs/security.md', () => {
  it('shows the roles × permissions table of ROLE_PERMISSIONS', () => {
    expect(between('roles')).toBe(rolePermissionTable());
  });
  it('lists exactly the PUBLIC_ROUTES', () => {
    expect(between('public-routes')).toBe(publicRouteTable());
  });
});
