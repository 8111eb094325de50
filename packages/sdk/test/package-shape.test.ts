import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entry } from '../tsup.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as {
  exports: Record<string, unknown>;
  sideEffects: boolean;
  dependencies?: Record<string, string>;
};

/** Bundles one entry for the browser the way an application's bundler would. */
async function bundleForBrowser(entryPoint: string) {
  const result = await build({
    entryPoints: [`${root}/${entryPoint}`],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: Object.keys(pkg.dependencies ?? {}),
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('package shape', () => {
  it('has one exports key per build entry, and no other', () => {
    const fromEntries = Object.keys(entry).map((name) => (name === 'index' ? '.' : `./${name}`));
    const fromExports = Object.keys(pkg.exports).filter((key) => key !== './package.json');
    expect(fromExports.sort()).toEqual(fromEntries.sort());
  });

  it('points every export at the built files of its entry', () => {
    for (const [name, source] of Object.entries(entry)) {
      const key = name === 'index' ? '.' : `./${name}`;
      expect(pkg.exports[key]).toEqual({
        '@antq/source': `./${source}`,
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
    }
  });

  it('declares itself free of side effects', () => {
    expect(pkg.sideEffects).toBe(false);
  });

  it.each(Object.entries(entry))('bundles entry %s for a browser with no Node built-ins', async (_name, source) => {
    await expect(bundleForBrowser(source)).resolves.toBeTypeOf('string');
  });

  it('keeps the registry data out of the root entry', async () => {
    const rootBundle = await bundleForBrowser(entry.index);
    // A commune name that only the registry data holds.
    expect(rootBundle).not.toContain('Phước Lâm');
    expect(rootBundle.length).toBeLessThan(120_000);
  });
});
