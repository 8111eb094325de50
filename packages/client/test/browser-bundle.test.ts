import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';

describe('@antq/client in a browser', () => {
  it('bundles for the browser without any Node built-in', async () => {
    const result = await build({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      conditions: ['@antq/source'],
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || /^(crypto|fs|net|http|path)$/.test(input))).toEqual([]);
    expect(result.outputFiles[0]!.text.length).toBeGreaterThan(1000);
  });
});
