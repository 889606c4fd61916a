import type { Logger } from 'pino';
import type { Role } from './principal.js';
import type { AuthService } from './service.js';

/** The one demo password (documented in the README Quick start; demo data only). */
export const DEMO_PASSWORD = 'Lingshu-Demo-2026';

/** Demo accounts, one per role a demo walks through; institution null = network-wide. */
export const DEMO_USERS: ReadonlyArray<{
  username: string;
  displayName: string;
  role: Role;
  institution: string | null;
}> = [
  { username: 'admin', displayName: '系统管理员 Admin', role: 'admin', institution: null },
  { username: 'dr.wang', displayName: '王医生 Dr. Wang', role: 'radiologist', institution: 'default' },
  { username: 'resident.li', displayName: '李住院医师 Dr. Li', role: 'resident', institution: 'default' },
  { username: 'tech.zhao', displayName: '赵技师 Tech Zhao', role: 'technician', institution: 'default' },
  { username: 'ref.chen', displayName: '陈医生 Dr. Chen (临床)', role: 'referring', institution: 'default' },
  { username: 'qc.sun', displayName: '孙质控 QC Sun', role: 'qc', institution: null },
];

/** Creates the demo accounts when there are no users yet (first demo start); returns how many. */
export async function seedDemoUsers(auth: AuthService, log: Logger): Promise<number> {
  if ((await auth.countUsers()) > 0) return 0;
  for (const u of DEMO_USERS) {
    await auth.createUser({
      username: u.username,
      role: u.role,
      institution: u.institution,
      displayName: u.displayName,
      password: DEMO_PASSWORD,
    });
  }
  log.warn({ users: DEMO_USERS.length }, 'demo accounts created with the documented demo password: not for real data');
  return DEMO_USERS.length;
}

/** Without demo data and without users nobody can log in: tell the operator how to add one. */
export async function warnWhenNoUsers(auth: AuthService, log: Logger): Promise<void> {
  if ((await auth.countUsers()) > 0) return;
  log.warn('no user accounts yet: create an administrator with `npx lingshu user add --username admin --role admin`');
}
