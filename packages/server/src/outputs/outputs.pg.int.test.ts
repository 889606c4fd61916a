import { describe, it } from 'vitest';
import { outputsSuite } from './outputsSuite.js';

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) outputsSuite('PostgreSQL', databaseUrl);
else {
  console.warn('SKIP: report outputs on PostgreSQL need DATABASE_URL');
  describe('report outputs on PostgreSQL', () => {
    it.skip('needs DATABASE_URL', () => {});
  });
}
