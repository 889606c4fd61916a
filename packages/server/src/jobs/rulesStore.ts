import type { RoutingRule } from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';
import type { JobsTables } from './migrations.js';

/** The ordered rule list as stored (validated when it was saved). */
export async function loadRules(archive: Archive): Promise<RoutingRule[]> {
  const rows = await archive.index.db
    .withTables<JobsTables>()
    .selectFrom('routing_rules')
    .select(['rule', 'enabled'])
    .orderBy('position')
    .execute();
  return rows.map((r) => {
    const rule = (typeof r.rule === 'string' ? JSON.parse(r.rule) : r.rule) as RoutingRule;
    return { ...rule, enabled: r.enabled };
  });
}

/** Replaces the whole ordered list in one transaction. */
export async function saveRules(archive: Archive, rules: readonly RoutingRule[], updatedBy: string): Promise<void> {
  await archive.index.db
    .withTables<JobsTables>()
    .transaction()
    .execute(async (trx) => {
      await trx.deleteFrom('routing_rules').execute();
      if (rules.length === 0) return;
      await trx
        .insertInto('routing_rules')
        .values(
          rules.map((r, position) => ({
            id: r.id,
            name: r.name,
            rule: JSON.stringify(r),
            enabled: r.enabled,
            position,
            updated_at: new Date(),
            updated_by: updatedBy,
          })),
        )
        .execute();
    });
}
