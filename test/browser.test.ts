// The web app end to end in Chromium: a forwarder's user logs in, tracks a container the carrier
// shared through a booking grant, sees it in English and Chinese, and a new event arrives live.
// Needs the built web app (`npm run build:web`) and /usr/bin/chromium (Debian's `chromium`
// package); without chromium the test is skipped, without the build it fails saying so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BROWSER_SUITE, closeBrowserTest, launchBrowser, requireWebBuild } from './browser-harness.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, shipmentEvent, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const UI_TIMEOUT_MS = 15_000;
const LIVE_TIMEOUT_MS = 10_000;

const USERNAME = 'forwarder.user';
const PASSWORD = 'correct-horse-battery';
const BOX = containerNumber('MSCU', 424242);
/** A box of the carrier's that the forwarder is not granted: never in the forwarder's lists. */
const UNSHARED_BOX = containerNumber('MSCU', 515151);
const BOOKING = 'BKG2611042';
const BL = 'COSU6342424240';

/** An ISO 8601 time `hoursAgo` hours before now, written at Qingdao's +08:00 offset, to the minute. */
function qingdaoTime(hoursAgo: number): string {
  const at = new Date(Math.floor((Date.now() - hoursAgo * 3600_000) / 60_000) * 60_000);
  const local = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}
/** How the page shows that time at the event's own offset: `YYYY-MM-DD HH:mm`. */
const shownAtOffset = (iso: string) => iso.slice(0, 16).replace('T', ' ');
/** How the page shows that time in UTC (the en context's time zone). */
const shownInUtc = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');

const pickAt = qingdaoTime(30);
const gateInAt = qingdaoTime(20);
const loadAt = qingdaoTime(10);
const dischargeAt = qingdaoTime(1);

describe('web app in a browser', BROWSER_SUITE, () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty;
  let forwarder: TestParty;
  let browser: Browser;
  let base: string;
  const pageErrors: string[] = [];

  before(async () => {
    requireWebBuild();
    t = await testPlatform({ listen: true });
    base = t.url!;
    carrier = await t.party('COSCO Shipping Lines', ['carrier'], { referencePrefixes: ['BKG', 'COSU'] });
    forwarder = await t.party('Qingdao Ocean Forwarding', ['forwarder']);
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const user = await t.inject({ method: 'POST', url: `/admin/parties/${forwarder.id}/users`, headers: admin, payload: { username: USERNAME, password: PASSWORD } });
    assert.equal(user.statusCode, 201, user.body);

    const events = [
      equipmentEvent({ equipmentReference: BOX, code: 'PICK', bookings: [BOOKING], at: pickAt }),
      equipmentEvent({ equipmentReference: BOX, code: 'GTIN', bookings: [BOOKING], at: gateInAt }),
      equipmentEvent({ equipmentReference: BOX, code: 'LOAD', bookings: [BOOKING], transportDocuments: [BL], at: loadAt }),
      shipmentEvent(BOOKING, 'BKG', 'CONF'),
      equipmentEvent({ equipmentReference: UNSHARED_BOX, code: 'GTIN', bookings: ['BKG-NOT-SHARED'], at: qingdaoTime(2) }),
    ];
    const published = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events });
    assert.equal(published.statusCode, 200, published.body);
    assert.ok(published.json().every((r: { result: string }) => r.result === 'created'), published.body);
    const grant = await t.inject({ method: 'POST', url: '/v1/grants', headers: carrier.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: BOOKING } });
    assert.equal(grant.statusCode, 201, grant.body);

    browser = await launchBrowser();
  });

  after(() => closeBrowserTest(browser, t));

  async function newPage(locale: string, timezoneId: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale, timezoneId, viewport: { width: 1360, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${locale}: ${e.message}`));
    return { context, page };
  }

  const visible = (page: Page, text: string | RegExp) => page.getByText(text).first().waitFor({ state: 'visible' });

  async function logIn(page: Page, labels: { username: string; password: string; submit: RegExp }) {
    await page.getByLabel(labels.username).fill(USERNAME);
    await page.getByLabel(labels.password).fill(PASSWORD);
    await page.getByRole('button', { name: labels.submit }).click();
  }

  it('en-US: log in, track the container, follow a live event, switch to Chinese', async () => {
    const { context, page } = await newPage('en-US', 'UTC');
    try {
      await page.goto(`${base}/`);
      await visible(page, 'Log in with the user account of your organisation.');
      await visible(page, 'Running the demo? The demo users and their password are printed in the server console');

      // A wrong password is refused with a translated message.
      await page.getByLabel('Username').fill(USERNAME);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: /^Log in$/ }).click();
      await visible(page, 'Wrong username or password.');

      await logIn(page, { username: 'Username', password: 'Password', submit: /^Log in$/ });
      await page.waitForURL(/\/tracking$/);
      await visible(page, 'Qingdao Ocean Forwarding');
      await visible(page, 'Freight forwarder');
      await visible(page, 'API documentation');

      // Before any search: the containers with recent activity that this party may see; a click opens the timeline.
      const recent = page.getByTestId('recent-containers');
      await recent.getByText('Recent containers').waitFor();
      const recentRow = recent.locator('tbody tr[data-row-key]').filter({ hasText: BOX });
      await recentRow.getByText('Loaded', { exact: true }).waitFor();
      await recentRow.getByText(shownInUtc(loadAt)).waitFor(); // the viewer's time (UTC here)
      await recentRow.getByText('CNTAO').waitFor();
      assert.equal(await recent.locator('tbody tr[data-row-key]').count(), 1, 'only the container shared with the forwarder');
      assert.equal(await recent.getByText(UNSHARED_BOX).count(), 0);
      await recentRow.click();
      await page.waitForURL(new RegExp(`q=${BOX}&by=container$`));
      await page.getByTestId('container-view').getByText('Gate in', { exact: true }).waitFor();
      assert.equal(await page.getByTestId('container-view').getByTestId('timeline-event').count(), 3);
      // With a result shown the list is secondary: a collapsed panel under it.
      await recent.getByText('Recent containers').waitFor();
      assert.equal(await recent.locator('tbody tr[data-row-key]').filter({ visible: true }).count(), 0);
      await page.goBack();
      await page.waitForURL(/\/tracking$/);
      await recent.locator('tbody tr[data-row-key]').filter({ hasText: BOX }).waitFor();

      await page.getByPlaceholder('Container number, booking reference or B/L number').fill(BOX.toLowerCase());
      await page.keyboard.press('Enter');
      const timeline = page.getByTestId('container-view');
      await timeline.getByText('Gate in', { exact: true }).waitFor();
      for (const text of ['Picked up', 'Loaded', 'COSCO Qingdao', 'IMO 9321483', '2611E', 'Qianwan Container Terminal · CNTAO', `Booking ${BOOKING}`, `B/L ${BL}`]) {
        await timeline.getByText(text).first().waitFor();
      }
      assert.match(await page.getByTestId('current-status').innerText(), /^Loaded\s*LOAD$/);
      // Times: the viewer's (UTC here) and the event's own (+08:00).
      await timeline.getByText(shownInUtc(gateInAt)).first().waitFor();
      await timeline.getByText(`Event time at the place: ${shownAtOffset(gateInAt)} UTC+08:00`).waitFor();
      assert.equal(await timeline.getByTestId('timeline-event').count(), 3);
      await page.getByTestId('live-badge').getByText('Live').waitFor();

      // A new event, published while the page is open, appears without a reload.
      await page.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true; });
      const discharge = { ...equipmentEvent({ equipmentReference: BOX, code: 'DISC', bookings: [BOOKING], at: dischargeAt }), eventLocation: { locationName: 'Busan New Port', UNLocationCode: 'KRPUS' } };
      const live = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: discharge });
      assert.equal(live.statusCode, 201, live.body);
      await timeline.getByText('Discharged', { exact: true }).first().waitFor({ timeout: LIVE_TIMEOUT_MS });
      await timeline.getByText('Busan New Port · KRPUS').first().waitFor({ timeout: LIVE_TIMEOUT_MS });
      await timeline.getByText('New', { exact: true }).waitFor(); // marked as arrived on the live stream
      assert.equal(await timeline.getByTestId('timeline-event').count(), 4);
      assert.match(await page.getByTestId('current-status').innerText(), /Discharged/);
      assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'the page was reloaded');
      const order = await timeline.getByTestId('timeline-event').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      assert.match(order[3], /Discharged/, 'the live event is sorted last by time');

      // 中文: labels switch at once, and the choice is remembered.
      await page.getByText('中文', { exact: true }).click();
      for (const text of ['进闸', '装船', '卸船', '提箱']) await timeline.getByText(text, { exact: true }).first().waitFor();
      for (const text of ['集装箱跟踪', '实时', '货运代理', '动态时间线', '重箱']) await visible(page, text);
      assert.equal(await page.getByText('Gate in', { exact: true }).count(), 0);
      await page.reload();
      await page.getByTestId('container-view').getByText('进闸', { exact: true }).first().waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem('jiaozhou.language')), 'zh-CN');
    } finally {
      await context.close();
    }
  });

  it('zh-CN: starts in Chinese; a booking lists its container and opens its timeline', async () => {
    const { context, page } = await newPage('zh-CN', 'Asia/Shanghai');
    try {
      await page.goto(`${base}/tracking`);
      await visible(page, '请使用贵机构的用户账号登录。');
      await visible(page, '正在运行演示环境？');
      await logIn(page, { username: '用户名', password: '密码', submit: /^登\s*录$/ });
      await visible(page, '集装箱跟踪');
      const recent = page.getByTestId('recent-containers');
      await recent.getByText('最近动态的集装箱').waitFor();
      await recent.locator('tbody tr[data-row-key]').filter({ hasText: BOX }).waitFor();

      // Unknown reference: nothing visible (404), said in Chinese.
      await page.getByPlaceholder('箱号、订舱号或提单号').fill('NO-SUCH-REF');
      await page.keyboard.press('Enter');
      await page.getByTestId('not-found').getByText('没有您可查看事件的集装箱、订舱或提单“NO-SUCH-REF”。').waitFor();

      // Invalid container number in container mode: the server's reason is shown.
      await page.getByText('箱号', { exact: true }).click();
      await page.getByPlaceholder('箱号、订舱号或提单号').fill('MSCU1234560');
      await page.keyboard.press('Enter');
      await page.getByTestId('search-error').getByText('输入无效').waitFor();

      // Booking in Auto mode: the table of containers, and the one container's timeline.
      await page.getByText('自动', { exact: true }).click();
      await page.getByPlaceholder('箱号、订舱号或提单号').fill(BOOKING);
      await page.keyboard.press('Enter');
      const shipment = page.getByTestId('shipment-view');
      await shipment.getByText(BOX).first().waitFor();
      await shipment.getByText('已确认', { exact: true }).waitFor(); // the booking's CONF event
      await shipment.getByRole('row').filter({ hasText: BOX }).click();
      await page.waitForURL(new RegExp(`box=${BOX}`));
      const timeline = page.getByTestId('container-view');
      for (const text of ['进闸', '装船', '提箱']) await timeline.getByText(text, { exact: true }).first().waitFor();
      await timeline.getByText(shownAtOffset(gateInAt), { exact: true }).first().waitFor(); // Shanghai = the event's +08:00
      await visible(page, '实时');

      // B/L mode finds the same container through the transport document.
      await page.getByText('提单号', { exact: true }).click();
      await page.getByPlaceholder('箱号、订舱号或提单号').fill(BL);
      await page.keyboard.press('Enter');
      await page.getByTestId('shipment-view').getByText(BOX).first().waitFor();
    } finally {
      await context.close();
    }
  });

  it('no script errors in the pages', () => {
    assert.deepEqual(pageErrors, []);
  });
});
