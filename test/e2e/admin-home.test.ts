import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumTestFlags, describeWithChromium } from '@shop/testing';
import { startPlatformProcess, type PlatformProcess } from './platform-process';

/**
 * The back-office home on a fresh `npm start` (embedded defaults, demo catalog and its 30 days of history), in a
 * real headless Chromium: the chart has data from the first minute and yesterday already has its report.
 */
const repositoryRoot = join(__dirname, '..', '..');
const screenshotDir = join(repositoryRoot, 'test-output', 'screenshots');
const webAppBuilt = existsSync(join(repositoryRoot, 'apps', 'storefront', 'dist', 'index.html'));
const launcherBuilt = existsSync(join(repositoryRoot, 'apps', 'launcher', 'dist', 'main.js'));
const utcDay = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

describeWithChromium(
  'back-office home on a fresh platform in headless Chromium',
  (executablePath) => {
    let platform: PlatformProcess;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];

    beforeAll(async () => {
      await mkdir(screenshotDir, { recursive: true });
      [platform, browser] = await Promise.all([startPlatformProcess(), chromium.launch({ executablePath, args: chromiumTestFlags, headless: true })]);
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-US', timezoneId: 'UTC' });
      await context.route('https://images.example.com/**', (route) => route.abort());
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
      });
      await page.goto(`${platform.url}/account/sign-in?next=/admin`);
      await page.getByLabel('Email').fill(platform.admin.email);
      await page.getByLabel('Password').fill(platform.admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/admin');
    }, 240_000);
    afterAll(async () => {
      await browser?.close();
      await platform?.stop();
    }, 60_000);
    afterEach(() => {
      expect(problems.splice(0)).toEqual([]);
    });

    it('when the admin signs in, then the home shows the last 30 days as a chart with sales on most days', async () => {
      await page.getByRole('heading', { level: 1, name: 'Back office' }).waitFor();
      const summary = page.getByTestId('home-chart-summary');
      await summary.waitFor();
      const [, days, ofDays, orders] = /^(\d+) of (\d+) days with sales: (\d+) orders/.exec((await summary.textContent()) ?? '') ?? [];
      expect(Number(ofDays)).toBe(30);
      expect(Number(days)).toBeGreaterThanOrEqual(25);
      expect(Number(orders)).toBeGreaterThan(100);
      // The canvas really has the revenue line drawn on it (its colour, #1f4b99, give or take anti-aliasing), not only an empty frame.
      const canvas = page.locator('.revenue-chart canvas').first();
      await canvas.waitFor();
      // Evaluated in the page (a string: these tests compile without the DOM's types).
      const revenuePixels = await page.evaluate<number>(`(() => {
        const canvas = document.querySelector('.revenue-chart canvas');
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let index = 0; index < data.length; index += 4) if (data[index + 3] > 200 && Math.abs(data[index] - 31) + Math.abs(data[index + 1] - 75) + Math.abs(data[index + 2] - 153) < 60) count += 1;
        return count;
      })()`);
      expect(revenuePixels).toBeGreaterThan(100);
      await page.getByTestId('home-today').waitFor();
      await page.screenshot({ path: join(screenshotDir, 'admin-home.png'), fullPage: true });
    }, 60_000);

    it('when the admin opens the reports, then yesterday’s report is there with orders and revenue', async () => {
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Reports' }).click();
      const table = page.getByRole('table', { name: 'Daily orders and revenue per currency' });
      await table.waitFor();
      const yesterday = utcDay.format(new Date(Date.now() - 86_400_000));
      const row = table.getByRole('row', { name: new RegExp(`^${yesterday.replace(/[.,]/g, '\\$&')}`) });
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells).not.toContain('No report');
      expect(Number(cells[0])).toBeGreaterThan(0);
      expect(cells[1]).toMatch(/^€[\d,]+\.\d\d$/);
      expect(cells[1]).not.toBe('€0.00');
      await page.screenshot({ path: join(screenshotDir, 'admin-reports-yesterday.png'), fullPage: true });
    }, 60_000);
  },
  { ok: webAppBuilt && launcherBuilt, reason: 'the storefront or the launcher is not built (npm test builds them first)' },
);
