/**
 * The renderer as it ships (out/renderer, an electron-vite production build, the same one the E2E
 * files load): minified, within a size budget, no source maps beside it, and every script index.html
 * loads is in the build. Unminified it was 2.93 MB raw / 660 KB gzip in one file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureBundle } from '../../bench/renderer';
import { ensureRendererBuilt, RENDERER_DIR } from './build';

/** Budgets with some room above today's build (1.37 MB raw / 430 KB gzip) for new screens. */
const MAX_JS_BYTES = 1_700_000;
const MAX_JS_GZIP_BYTES = 520_000;

describe('renderer production bundle', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
  }, 120_000);

  it('is minified and within its size budget, with no source maps shipped', () => {
    const sizes = measureBundle(RENDERER_DIR);
    expect(sizes.jsFiles).toBeGreaterThan(0);
    expect(sizes.sourceMaps).toBe(0);
    expect(sizes.jsBytes).toBeLessThan(MAX_JS_BYTES);
    expect(sizes.jsGzipBytes).toBeLessThan(MAX_JS_GZIP_BYTES);
    // The entry script is what the page runs first: minified, it is a few hundred lines (line breaks
    // only inside template literals); unminified it was about 80,000.
    const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
    const entry = /<script[^>]+src="\.?\/?([^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const code = readFileSync(join(RENDERER_DIR, entry as string), 'utf8');
    expect(code.split('\n').length).toBeLessThan(2_000);
    expect(code).not.toContain('sourceMappingURL');
  });
});
