import { describe, expect, it } from 'vitest';
import { splitStatements } from './migrate.js';

describe('splitStatements', () => {
  it('splits at semicolons but keeps $$ function bodies whole', () => {
    const text = `
      CREATE TABLE t (a int);
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'no';
      END
      $$;
      CREATE TRIGGER g BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
    `;
    const parts = splitStatements(text);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe('CREATE TABLE t (a int)');
    expect(parts[1]).toMatch(/^CREATE FUNCTION f\(\)[\s\S]*RAISE EXCEPTION 'no';\s*END\s*\$\$$/);
    expect(parts[2]).toMatch(/^CREATE TRIGGER g/);
  });

  it('splits plain migrations exactly as before (trimmed, no empty statements)', () => {
    expect(splitStatements(' A; B ;; C ')).toEqual(['A', 'B', 'C']);
  });
});
