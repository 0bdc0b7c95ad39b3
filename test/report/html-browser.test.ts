/**
 * The HTML report in a real browser: headless Chromium (Debian's package) driven by
 * playwright-core. Checks that the page loads from a file with no network request, that each
 * chart is a visible SVG with the expected bars, and — from a screenshot — that the bars are
 * actually painted.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { makeRichResult } from './fixture.js';

const CHROMIUM = process.env.DBDOCTOR_CHROMIUM ?? '/usr/bin/chromium';
// .ci/run installs chromium: a missing browser fails these tests (apt-get install -y chromium).
const available = existsSync(CHROMIUM);

/** Bars each chart must draw for makeRichResult (see test/report/html.test.ts for the values). */
const EXPECTED_BARS = { 'chart-index-size': 5, 'chart-scans': 4, 'chart-writes': 6 } as const;

/** Pixels of an image that differ clearly from its top-left (background) pixel, and those close to a colour. */
function pixelCounts(
  png: Buffer,
  colour: readonly [number, number, number],
): { readonly painted: number; readonly matching: number; readonly total: number } {
  const image = PNG.sync.read(png);
  const { data, width, height } = image;
  const bg = [data[0]!, data[1]!, data[2]!];
  let painted = 0;
  let matching = 0;
  for (let i = 0; i < width * height * 4; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (Math.abs(r - bg[0]!) + Math.abs(g - bg[1]!) + Math.abs(b - bg[2]!) > 60) painted += 1;
    if (Math.abs(r - colour[0]) + Math.abs(g - colour[1]) + Math.abs(b - colour[2]) < 40) matching += 1;
  }
  return { painted, matching, total: width * height };
}

describe('html report in headless Chromium', () => {
  let dir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  const requests: string[] = [];
  let loadMs = 0;

  beforeAll(async () => {
    if (!available)
      throw new Error(`Chromium is required on CI but missing at ${CHROMIUM}: .ci/run installs it with apt-get install -y chromium`);
    dir = mkdtempSync(join(tmpdir(), 'dbdoctor-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, reporters.html.render(makeRichResult(), { color: false }));
    const started = performance.now();
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1200, height: 900 },
      colorScheme: 'light',
    });
    context.on('request', (request) => requests.push(request.url()));
    // Anything but the report itself is a failure; abort it so the test never waits on a network.
    await context.route(/^(?!file:)/, (route) => route.abort());
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    loadMs = performance.now() - started;
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('loads from a file:// URL without any other request', async () => {
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*report\.html$/);
    expect(await page.title()).toBe('Database Performance Analysis');
    expect(await page.locator('script').count()).toBe(0);
    // Escaped names arrive as text, never as markup.
    expect(await page.locator('section#strategy b').count()).toBe(0);
    expect(await page.locator('section#strategy').innerText()).toContain('public.<b>"odd" & ünïcode</b>');
    expect(loadMs).toBeLessThan(60_000);
  });

  test('each chart is a visible SVG with the expected bars, sized by their values', async () => {
    for (const [id, bars] of Object.entries(EXPECTED_BARS)) {
      const svg = page.locator(`svg#${id}`);
      await expect(svg.isVisible()).resolves.toBe(true);
      const rects = svg.locator('rect.bar');
      expect(await rects.count(), id).toBe(bars);
      for (let i = 0; i < bars; i += 1) {
        const box = await rects.nth(i).boundingBox();
        expect(box, `${id} bar ${i}`).not.toBeNull();
        expect(box!.width).toBeGreaterThan(0);
        expect(box!.height).toBeGreaterThan(5);
      }
    }
    // Inserts: orders 1,000 against users 100, so ten times as wide.
    const inserts = page.locator('svg#chart-writes rect.bar[data-series="inserts"]');
    const orders = await inserts.nth(0).boundingBox();
    const users = await inserts.nth(1).boundingBox();
    expect(orders!.width / users!.width).toBeGreaterThan(9.5);
    expect(orders!.width / users!.width).toBeLessThan(10.5);
  });

  test('a screenshot shows the bars painted in their colours', async () => {
    const fill = await page
      .locator('svg#chart-writes rect.bar')
      .first()
      .evaluate((el) => getComputedStyle(el).fill);
    const rgb = /rgb\((\d+), (\d+), (\d+)\)/.exec(fill);
    expect(rgb, fill).not.toBeNull();
    const colour = [Number(rgb![1]), Number(rgb![2]), Number(rgb![3])] as const;
    for (const id of Object.keys(EXPECTED_BARS)) {
      const shot = await page.locator(`svg#${id}`).screenshot();
      const counts = pixelCounts(shot, colour);
      // Bars and labels paint a good part of the chart; the first series' colour alone covers many pixels.
      expect(counts.painted / counts.total, id).toBeGreaterThan(0.03);
      expect(counts.matching, id).toBeGreaterThan(300);
    }
    // The pixel at the centre of the widest bar is the bar's colour, not the background.
    const box = (await page.locator('svg#chart-writes rect.bar').first().boundingBox())!;
    const clip = { x: box.x + box.width / 2 - 2, y: box.y + box.height / 2 - 2, width: 4, height: 4 };
    const centre = PNG.sync.read(await page.screenshot({ clip }));
    expect(
      Math.abs(centre.data[0]! - colour[0]) + Math.abs(centre.data[1]! - colour[1]) + Math.abs(centre.data[2]! - colour[2]),
    ).toBeLessThan(40);
  });

  test('dark mode recolours the page', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(13, 17, 23)');
    expect(await page.locator('svg#chart-writes rect.bar').count()).toBe(EXPECTED_BARS['chart-writes']);
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
