// The status page in Chromium: reached from the login page without logging in, in English and
// Chinese; an admin user posts an incident on it, which then shows to everyone.
// Needs the built web app (`npm run build:web`) and /usr/bin/chromium, as test/browser.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_SUITE, closeBrowserTest, launchBrowser, requireWebBuild } from './browser-harness.js';
import { ADMIN_KEY, testPlatform, type TestPlatform } from './helpers.js';

const UI_TIMEOUT_MS = 15_000;
const ADMIN_USER = 'platform.operator';
const ADMIN_PASSWORD = 'status-page-operator-2026';

describe('status page in a browser', BROWSER_SUITE, () => {
  let t: TestPlatform & { url?: string };
  let browser: Browser;
  const pageErrors: string[] = [];

  before(async () => {
    requireWebBuild();
    t = await testPlatform({ listen: true });
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const parties = (await t.inject({ method: 'GET', url: '/admin/parties', headers: admin })).json() as { id: string; roles: string[] }[];
    const adminParty = parties.find((p) => p.roles.includes('admin'))!;
    const user = await t.inject({ method: 'POST', url: `/admin/parties/${adminParty.id}/users`, headers: admin, payload: { username: ADMIN_USER, password: ADMIN_PASSWORD } });
    assert.equal(user.statusCode, 201, user.body);
    browser = await launchBrowser();
  });

  after(() => closeBrowserTest(browser, t));

  async function newPage(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, timezoneId: 'UTC', viewport: { width: 1360, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${locale}: ${e.message}`));
    return page;
  }

  it('from the login page, without logging in, in English and then Chinese', async () => {
    const page = await newPage('en-US');
    await page.goto(`${t.url}/`);
    await page.getByTestId('status-link').click();
    await page.waitForURL(/\/status$/);
    await page.getByText('All systems operational').waitFor();
    for (const name of ['API', 'Event ingest', 'Webhook delivery', 'Live stream', 'Database']) {
      await page.getByText(name, { exact: true }).first().waitFor();
    }
    await page.getByText('No current incidents.').waitFor();
    await page.getByText('中文').click();
    await page.getByText('所有系统运行正常').waitFor();
    await page.getByText('事件接入', { exact: true }).first().waitFor();
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });

  it('an admin posts an incident, and anyone sees it', async () => {
    const page = await newPage('en-US');
    await page.goto(`${t.url}/`);
    await page.getByLabel('Username').fill(ADMIN_USER);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: /^Log in$/ }).click();
    await page.waitForURL(/\/tracking$/);
    await page.goto(`${t.url}/status`);
    await page.getByRole('button', { name: 'Post a notice' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title (Chinese)').fill('事件接入延迟');
    await dialog.getByLabel('Title (English)').fill('Event ingest delayed');
    await dialog.getByLabel('Description (Chinese)').fill('正在调查。');
    await dialog.getByLabel('Description (English)').fill('We are investigating.');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await page.getByTestId('status-notice').getByText('Event ingest delayed').waitFor();
    await page.context().close();

    const anonymous = await newPage('zh-CN');
    await anonymous.goto(`${t.url}/status`);
    await anonymous.getByTestId('status-notice').getByText('事件接入延迟').waitFor();
    await anonymous.getByText('调查中').first().waitFor();
    await anonymous.context().close();
    assert.deepEqual(pageErrors, []);
  });
});
