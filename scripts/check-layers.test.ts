import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers } from './check-layers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const manifest = (deps: string[]): string =>
  JSON.stringify({ dependencies: Object.fromEntries(deps.map((d) => [`@lingshu/${d}`, '*'])) });

describe('check-layers', () => {
  it('passes on this repository', () => {
    expect(checkLayers(resolve(import.meta.dirname, '..'))).toEqual([]);
  });

  it('flags an upward import', () => {
    const root = fakeRepo({
      'packages/dicom/package.json': manifest(['archive']),
      'packages/dicom/src/a.ts': "import { x } from '@lingshu/archive';\n",
      'packages/archive/package.json': manifest([]),
      'packages/archive/src/b.ts': 'export const x = 1;\n',
    });
    const v = checkLayers(root);
    expect(v.map((x) => x.message)).toContain('dicom (layer dicom) may not import @lingshu/archive');
  });

  it('flags a cycle, a deep import and an undeclared dependency', () => {
    const root = fakeRepo({
      'packages/archive/package.json': manifest(['phantom']),
      'packages/archive/src/a.ts': "import '@lingshu/phantom/src/x.js';\n",
      'packages/phantom/package.json': manifest([]),
      'packages/phantom/src/b.ts': "export * from '@lingshu/archive';\n",
    });
    const messages = checkLayers(root).map((x) => x.message);
    expect(messages.some((m) => m.startsWith('import cycle'))).toBe(true);
    expect(messages.some((m) => m.startsWith('deep import'))).toBe(true);
    expect(messages).toContain('imports @lingshu/archive without declaring it in package.json');
  });

  it('flags a relative import that leaves its package', () => {
    const root = fakeRepo({
      'packages/imaging/package.json': manifest([]),
      'packages/imaging/src/a.ts': "import { y } from '../../dicom/src/y.js';\n",
      'packages/dicom/package.json': manifest([]),
      'packages/dicom/src/y.ts': 'export const y = 1;\n',
    });
    expect(checkLayers(root).map((x) => x.message)).toContain(
      'relative import "../../dicom/src/y.js" leaves the package',
    );
  });
});
