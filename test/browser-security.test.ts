// Text one party publishes is shown to another as text, never run as script: a carrier names a
// voyage `<img src=x onerror=…>` and the terminal's berth plan tooltip shows those characters. The
// web app and the Swagger UI work under the Content Security Policy (no violation reported).
// Needs the built web app (`npm run build:web`) and /usr/bin/chromium; without chromium it is skipped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { definitionById } from '../src/modules/portcall/timestamps/definitions.js';
import { imoCheckDigit } from '../src/standards/index.js';
import { BROWSER_SUITE, closeBrowserTest, launchBrowser, requireWebBuild } from './browser-harness.js';
import { ADMIN_KEY, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const UI_TIMEOUT_MS = 15_000;

const USERNAME = 'qqct.planner';
const PASSWORD = 'yard-crane-ship-to-shore';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const VESSEL = `932148${imoCheckDigit('932148')}`;
const XSS_VOYAGE = '<img src=x onerror="window.__xss=1">';

/** `hours` from now, in UTC, to the minute. */
const hoursFromNow = (hours: number) => new Date(Math.floor((Date.now() + hours * 3600_000) / 60_000) * 60_000).toISOString();

function ts(reference: string, definition: string, at: string) {
  const d = definitionById(definition)!;
  return {
    eventID: randomUUID(),
    terminalCall: { terminalCallReference: reference },
    portCallService: { portCallServiceTypeCode: d.service, portCallServiceEventTypeCode: d.eventType, ...(d.phase ? { portCallPhaseTypeCode: d.phase } : {}) },
    timestamp: { classifierCode: d.classifier, serviceDateTime: at },
  };
}

declare global {
  interface Window { __xss?: number; __cspViolations?: string[] }
}

describe('browser security', BROWSER_SUITE, () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty;
  let terminal: TestParty;
  let browser: Browser;
  let planned: string;

  before(async () => {
    requireWebBuild();
    t = await testPlatform({ listen: true });
    carrier = await t.party('Hostile Carrier', ['carrier']);
    terminal = await t.party('Qingdao Qianwan Container Terminal', ['terminal']);
    const user = await t.inject({ method: 'POST', url: `/admin/parties/${terminal.id}/users`, headers: admin, payload: { username: USERNAME, password: PASSWORD } });
    assert.equal(user.statusCode, 201, user.body);
    const put = async (url: string, payload: object) => {
      const res = await t.inject({ method: 'PUT', url, headers: admin, payload });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    };
    await put(`/v1/vessels/${VESSEL}`, { name: 'COSCO Qingdao', mmsi: '413000001', callSign: 'BQDA', vesselTypeCode: 'CONT', lengthOverallM: 366, beamM: 51, maxDraughtM: 15.5, teuCapacity: 14_000 });
    await put('/v1/terminals/QQCT', { name: 'Qianwan Container Terminal', UNLocationCode: 'CNTAO', operatorPartyId: terminal.id });
    await put('/v1/terminals/QQCT/berths/B1', { name: 'Qianwan 1', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400 });

    // The carrier publishes a call whose voyage numbers are markup with a script in it.
    const call = await t.inject({ method: 'POST', url: '/v1/port-calls', headers: carrier.auth, payload: {
      terminalCode: 'QQCT', vesselIMONumber: VESSEL, carrierServiceCode: 'AEX', importVoyageNumber: XSS_VOYAGE, exportVoyageNumber: XSS_VOYAGE, terminalCallReference: 'XSS-1', berthId: 'B1',
    } });
    assert.equal(call.statusCode, 201, call.body);
    planned = call.json().portCallID;
    const send = async (by: TestParty, events: object[]) => {
      const res = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: by.auth, payload: { events } });
      assert.equal(res.statusCode, 200, res.body);
    };
    await send(carrier, [ts('XSS-1', 'ETA-Berth', hoursFromNow(10))]);
    await send(terminal, [ts('XSS-1', 'PTA-Berth', hoursFromNow(12)), ts('XSS-1', 'PTD-Berth', hoursFromNow(24))]);

    browser = await launchBrowser();
  });

  after(() => closeBrowserTest(browser, t));

  /** A logged-in terminal user's page that records every CSP violation and script error. */
  const loggedInPage = async (problems: string[]) => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations!.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`); });
    await page.goto(`${t.url}/`);
    await page.getByLabel('Username').fill(USERNAME);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: /^Log in$/ }).click();
    await page.waitForURL(/\/tracking$/);
    return { context, page };
  };
  const violations = (page: Page) => page.evaluate(() => window.__cspViolations ?? []);

  it('a carrier\'s voyage number shows as text in the terminal\'s berth plan tooltip and runs nothing', async () => {
    const problems: string[] = [];
    const { context, page } = await loggedInPage(problems);
    try {
      await page.getByRole('menuitem', { name: 'Berth plan' }).click();
      await page.waitForURL(/\/berth-plan$/);
      const chart = page.getByTestId('berth-plan-chart');
      await chart.locator('canvas').waitFor();
      const item = page.getByTestId('berth-plan-bars').locator(`li[data-call="${planned}"]`);
      await item.waitFor({ state: 'attached' });
      const box = (await chart.boundingBox())!;
      const [x, y] = [box.x + Number(await item.getAttribute('data-x')), box.y + Number(await item.getAttribute('data-y'))];
      // Hover the ship's bar: its tooltip names the voyages.
      await page.mouse.move(x - 30, y);
      await page.mouse.move(x, y, { steps: 5 });
      await chart.getByText(`AEX ${XSS_VOYAGE} / ${XSS_VOYAGE}`, { exact: false }).waitFor();
      assert.equal(await chart.locator('img').count(), 0, 'no element was made of the voyage number');
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'the carrier\'s script did not run');
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('the Swagger UI works for a logged-in user under the CSP', async () => {
    const problems: string[] = [];
    const { context, page } = await loggedInPage(problems);
    try {
      await page.goto(`${t.url}/docs`);
      await page.getByText('Jiaozhou — Qingdao port community platform API').first().waitFor();
      await page.locator('.opblock-summary-path', { hasText: '/v2/events' }).first().waitFor();
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
