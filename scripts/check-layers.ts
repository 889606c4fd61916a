/**
 * Fails when a package imports a package above it (architecture.md "Layers"), when package
 * imports form a cycle, when code reaches into another package's files (deep or relative
 * imports), or when a package imports a workspace package it does not declare.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Which workspace packages each layer may import (directly). */
export const ALLOWED: Record<string, readonly string[]> = {
  dicom: [],
  imaging: ['dicom'],
  archive: ['dicom', 'imaging'],
  phantom: ['dicom', 'imaging'],
  clinical: ['dicom', 'imaging'],
  ai: ['dicom', 'imaging'],
  analyzers: ['ai', 'imaging', 'dicom', 'clinical'],
  server: ['dicom', 'imaging', 'archive', 'phantom', 'clinical', 'ai', 'analyzers'],
  web: ['clinical'],
  cli: ['dicom', 'imaging', 'archive', 'phantom', 'clinical', 'ai', 'analyzers', 'server'],
};

export interface Violation {
  file: string;
  message: string;
}

function layerOf(pkg: string): string {
  return pkg.startsWith('analyzer-') ? 'analyzers' : pkg;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) yield* sourceFiles(p);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) yield p;
  }
}

const IMPORT_RE =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

export function checkLayers(root: string): Violation[] {
  const pkgRoot = join(root, 'packages');
  const packages = readdirSync(pkgRoot).filter((n) => statSync(join(pkgRoot, n)).isDirectory());
  const violations: Violation[] = [];
  const graph = new Map<string, Set<string>>();
  for (const pkg of packages) {
    const dir = join(pkgRoot, pkg);
    const layer = layerOf(pkg);
    const allowed = ALLOWED[layer];
    if (!allowed) {
      violations.push({ file: relative(root, dir), message: `package "${pkg}" is not a layer of architecture.md` });
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }));
    const edges = new Set<string>();
    graph.set(pkg, edges);
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        const rel = relative(root, file);
        if (spec.startsWith('@lingshu/')) {
          const [, target = '', ...rest] = spec.split('/');
          if (rest.length > 0)
            violations.push({ file: rel, message: `deep import "${spec}": import the package itself` });
          if (target === pkg) continue;
          edges.add(target);
          if (!allowed.includes(layerOf(target))) {
            violations.push({ file: rel, message: `${pkg} (layer ${layer}) may not import @lingshu/${target}` });
          }
          if (!declared.has(`@lingshu/${target}`)) {
            violations.push({ file: rel, message: `imports @lingshu/${target} without declaring it in package.json` });
          }
        } else if (spec.startsWith('.')) {
          const resolved = resolve(file, '..', spec);
          if (!resolved.startsWith(dir + '/')) {
            violations.push({ file: rel, message: `relative import "${spec}" leaves the package` });
          }
        }
      }
    }
  }
  // Cycles (depth-first search over the import graph).
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      violations.push({ file: `packages/${n}`, message: `import cycle: ${[...path, n].join(' -> ')}` });
      return;
    }
    state.set(n, 'visiting');
    for (const m of graph.get(n) ?? []) visit(m, [...path, n]);
    state.set(n, 'done');
  };
  for (const n of graph.keys()) visit(n, []);
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = checkLayers(resolve(import.meta.dirname, '..'));
  for (const v of violations) console.error(`${v.file}: ${v.message}`);
  if (violations.length > 0) {
    console.error(`check-layers: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log('check-layers: package imports follow architecture.md');
}
