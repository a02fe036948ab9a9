/**
 * The seams the layout promises, checked on the source: which module may import which. Static
 * imports are followed from an entry point; `import type` and dynamic `import()` are not loads.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)(?:[^;]*?\sfrom\s+)?'(\.[^']+)';/gm;

/** Relative paths (from the repository root) of the static imports of one source file. */
function staticImports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(STATIC_IMPORT)].map((match) =>
    relative(ROOT, resolve(dirname(join(ROOT, file)), match[1]!.replace(/\.js$/, '.ts'))),
  );
}

/** Every source file a process started at `entry` loads through static imports. */
function loadedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of staticImports(file)) visit(next);
  };
  visit(entry);
  return seen;
}

describe('module seams', () => {
  it('the import scan sees static imports and skips type-only ones', () => {
    expect(staticImports('src/providers/runtime.ts')).toContain('src/transport/http.ts');
    expect(staticImports('src/providers/runtime.ts')).not.toContain('src/sandbox/server.ts');
  });

  it('a gateway process loads no sandbox until a provider runs against one', () => {
    const loaded = [...loadedFrom('src/main.ts')];
    expect(loaded).toContain('src/providers/fusebill/index.ts');
    expect(loaded.filter((file) => file.startsWith('src/sandbox/'))).toEqual([]);
  });

  it('no sandbox imports an adapter module: each writes down its provider’s documented tables', () => {
    for (const sandbox of ['blackhawk', 'enkash', 'fusebill', 'netxd']) {
      const imports = staticImports(`src/sandbox/${sandbox}.ts`);
      expect(imports.filter((file) => file.startsWith('src/providers/'))).toEqual([]);
    }
  });

  it('transport and providers never import the gateway layer', () => {
    for (const file of loadedFrom('src/providers/registry.ts')) {
      expect(file, file).not.toMatch(/^src\/(gateway|resolvers)\//);
    }
  });

  it('http.ts, token-cache.ts and wire.ts do not import each other', () => {
    const trio = ['src/transport/http.ts', 'src/transport/token-cache.ts', 'src/transport/wire.ts'];
    for (const file of trio) {
      const imports = [
        ...staticImports(file),
        ...[
          ...readFileSync(join(ROOT, file), 'utf8').matchAll(/^import type[^;]*?'(\.[^']+)';/gm),
        ].map((m) =>
          relative(ROOT, resolve(dirname(join(ROOT, file)), m[1]!.replace(/\.js$/, '.ts'))),
        ),
      ];
      expect(imports.filter((other) => trio.includes(other))).toEqual([]);
    }
  });
});
