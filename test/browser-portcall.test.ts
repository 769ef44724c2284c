// The port call pages end to end in Chromium: a terminal's user sees its calls, opens one with its
// timestamps, sends a timestamp (and is told why a wrong one is refused), sees the berth plan
// chart and the efficiency KPIs, in English and Chinese. Needs the built web app
// (`npm run build:web`) and /usr/bin/chromium; without chromium the test is skipped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { definitionById } from '../src/modules/portcall/timestamps/definitions.js';
import { imoCheckDigit } from '../src/standards/index.js';
import { BROWSER_SUITE, closeBrowserTest, launchBrowser, requireWebBuild } from './browser-harness.js';
import { ADMIN_KEY, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const UI_TIMEOUT_MS = 15_000;
const SCREENSHOTS = process.env.PC_SCREENSHOTS !== '0';

const USERNAME = 'qqct.planner';
const PASSWORD = 'correct-horse-battery';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const imo = (six: string) => `${six}${imoCheckDigit(six)}`;
const BIG = imo('932148');
const FEEDER = imo('941234');

/** `hours` from now (negative: past), at Qingdao's +08:00, to the minute. */
function qingdao(hours: number): string {
  const at = new Date(Math.floor((Date.now() + hours * 3600_000) / 60_000) * 60_000);
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}
/** How the page shows a time in the UTC context. */
const shownInUtc = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');

function ts(reference: string, definition: string, at: string, remark?: string) {
  const d = definitionById(definition)!;
  return {
    eventID: randomUUID(),
    terminalCall: { terminalCallReference: reference },
    portCallService: { portCallServiceTypeCode: d.service, portCallServiceEventTypeCode: d.eventType, ...(d.phase ? { portCallPhaseTypeCode: d.phase } : {}) },
    timestamp: { classifierCode: d.classifier, serviceDateTime: at, ...(remark ? { remark } : {}) },
  };
}

const eta = qingdao(-6);
const pta = qingdao(-4);
const ataPbp = qingdao(-4.5);
const ata = qingdao(-3);

describe('port call pages in a browser', BROWSER_SUITE, () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty;
  let terminal: TestParty;
  let browser: Browser;
  let base: string;
  /** CJK-119, planned for the day after tomorrow at B2: the ship the planner drags. */
  let planned: string;
  const pageErrors: string[] = [];

  before(async () => {
    requireWebBuild();
    t = await testPlatform({ listen: true });
    base = t.url!;
    carrier = await t.party('COSCO Shipping Lines', ['carrier']);
    terminal = await t.party('Qingdao Qianwan Container Terminal', ['terminal']);
    const user = await t.inject({ method: 'POST', url: `/admin/parties/${terminal.id}/users`, headers: admin, payload: { username: USERNAME, password: PASSWORD } });
    assert.equal(user.statusCode, 201, user.body);

    const put = async (url: string, payload: object) => {
      const res = await t.inject({ method: 'PUT', url, headers: admin, payload });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    };
    await put(`/v1/vessels/${BIG}`, { name: 'COSCO Qingdao', mmsi: '413000001', callSign: 'BQDA', vesselTypeCode: 'CONT', lengthOverallM: 366, beamM: 51, maxDraughtM: 15.5, teuCapacity: 14_000 });
    await put(`/v1/vessels/${FEEDER}`, { name: 'Feeder Star', mmsi: '413000002', callSign: 'BQDB', vesselTypeCode: 'CONT', lengthOverallM: 180, beamM: 28, maxDraughtM: 9, teuCapacity: 2500 });
    await put('/v1/terminals/QQCT', { name: 'Qianwan Container Terminal', UNLocationCode: 'CNTAO', operatorPartyId: terminal.id });
    await put('/v1/terminals/QQCT/berths/B1', { name: 'Qianwan 1', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400 });
    await put('/v1/terminals/QQCT/berths/B2', { name: 'Qianwan 2', lengthM: 250, depthM: 12, craneCount: 3, maxLoaM: 200 });

    const create = async (payload: object) => {
      const res = await t.inject({ method: 'POST', url: '/v1/port-calls', headers: carrier.auth, payload });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { portCallID: string };
    };
    const send = async (by: TestParty, events: object[]) => {
      const res = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: by.auth, payload: { events } });
      assert.equal(res.statusCode, 200, res.body);
      for (const r of (res.json() as { results?: { result: string }[] }).results ?? [res.json() as { result: string }]) assert.notEqual(r.result, 'rejected', res.body);
    };
    // Alongside now: ETA (carrier) → PTA (terminal) → ATA-PBP → ATA-Berth.
    await create({ terminalCode: 'QQCT', vesselIMONumber: BIG, carrierServiceCode: 'AEX', importVoyageNumber: '2611W', exportVoyageNumber: '2611E', terminalCallReference: 'AEX-2611', berthId: 'B1' });
    await send(carrier, [ts('AEX-2611', 'ETA-Berth', eta, 'on schedule')]);
    await send(terminal, [ts('AEX-2611', 'PTA-Berth', pta, 'berth window confirmed')]);
    await send(terminal, [ts('AEX-2611', 'ATA-PBP', ataPbp)]);
    await send(terminal, [ts('AEX-2611', 'ATA-Berth', ata)]);
    // Departed yesterday, with its cargo work and moves.
    const done = await create({ terminalCode: 'QQCT', vesselIMONumber: FEEDER, carrierServiceCode: 'CJK', importVoyageNumber: '118N', exportVoyageNumber: '118S', terminalCallReference: 'CJK-118', berthId: 'B2' });
    await send(carrier, [ts('CJK-118', 'ETA-Berth', qingdao(-44))]);
    await send(terminal, [ts('CJK-118', 'PTA-Berth', qingdao(-43)), ts('CJK-118', 'ATA-PBP', qingdao(-46)), ts('CJK-118', 'ATA-Berth', qingdao(-41)),
      ts('CJK-118', 'ATS-Cargo Ops', qingdao(-40)), ts('CJK-118', 'ATC-Cargo Ops', qingdao(-30)), ts('CJK-118', 'ATD-Berth', qingdao(-29))]);
    const ops = await t.inject({ method: 'PATCH', url: `/v1/port-calls/${done.portCallID}`, headers: terminal.auth, payload: { cranesUsed: 3, actualMoves: { load: 400, discharge: 380, restow: 10 } } });
    assert.equal(ops.statusCode, 200, ops.body);
    // Planned for the day after tomorrow (outside the KPIs' period, which ends today).
    planned = await create({ terminalCode: 'QQCT', vesselIMONumber: FEEDER, carrierServiceCode: 'CJK', importVoyageNumber: '119N', exportVoyageNumber: '119S', terminalCallReference: 'CJK-119', berthId: 'B2' }).then((c) => c.portCallID);
    await send(carrier, [ts('CJK-119', 'ETA-Berth', qingdao(40))]);
    await send(terminal, [ts('CJK-119', 'PTA-Berth', qingdao(42)), ts('CJK-119', 'PTD-Berth', qingdao(54))]);

    browser = await launchBrowser();
  });

  after(() => closeBrowserTest(browser, t));

  const visible = (page: Page, text: string | RegExp) => page.getByText(text).first().waitFor({ state: 'visible' });
  const shoot = async (page: Page, name: string) => { if (SCREENSHOTS) await page.screenshot({ path: `/tmp/pc-${name}.png`, fullPage: true }); };

  /** A logged-in terminal user's page in English; failed requests the test causes on purpose are not errors. */
  const loggedInPage = async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${m.text()}`); });
    await page.goto(`${base}/`);
    await page.getByLabel('Username').fill(USERNAME);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: /^Log in$/ }).click();
    await page.waitForURL(/\/tracking$/);
    return { context, page };
  };

  it('a terminal user: port calls, the detail, sending a timestamp, the berth plan, the KPIs, in English and Chinese', async () => {
    // Failed requests (the 401 of the session check before login, the refused timestamp) are expected.
    const { context, page } = await loggedInPage();
    try {

      // Port calls: the three calls of the terminal, the one alongside with its times.
      await page.getByRole('menuitem', { name: 'Port calls' }).click();
      await page.waitForURL(/\/port-calls$/);
      const table = page.getByTestId('port-calls');
      const row = table.locator('tbody tr[data-row-key]').filter({ hasText: 'COSCO Qingdao' });
      await row.getByText('At berth').waitFor();
      await row.getByText(shownInUtc(ata)).waitFor();
      await row.getByText(shownInUtc(pta)).waitFor();
      assert.equal(await table.locator('tbody tr[data-row-key]').count(), 3);
      await shoot(page, 'port-calls');

      // The detail: the vessel, the latest timestamps, the exchange newest first.
      await row.click();
      await page.waitForURL(/\/port-calls\?call=/);
      const detail = page.getByTestId('port-call-detail');
      await detail.getByText('COSCO Qingdao').waitFor();
      assert.equal(await detail.getByTestId('ts-ATA-Berth').innerText(), shownInUtc(ata));
      assert.equal(await detail.getByTestId('ts-PTA-Berth').innerText(), shownInUtc(pta));
      assert.equal(await detail.getByTestId('ts-ETA-Berth').innerText(), shownInUtc(eta));
      assert.equal(await detail.getByTestId('ts-ATA-PBP').innerText(), shownInUtc(ataPbp));
      const entries = detail.getByTestId('history-entry');
      assert.equal(await entries.count(), 4);
      assert.match(await entries.first().innerText(), /ATA-Berth[\s\S]*Actual[\s\S]*Terminal/);
      assert.match(await entries.last().innerText(), /ETA-Berth[\s\S]*Carrier[\s\S]*on schedule/);
      await detail.getByText('berth window confirmed').waitFor();

      // Send: an actual departure in the future is refused with the server's reason …
      const form = detail.getByTestId('send-timestamp');
      const what = form.getByRole('combobox', { name: 'Timestamp' });
      await what.click();
      await what.fill('ATD-Berth');
      await page.locator('.ant-select-item-option').filter({ hasText: /^ATD-Berth/ }).click();
      const future = new Date(Date.now() + 6 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
      const picker = form.getByRole('textbox', { name: 'Date and time' });
      await picker.click();
      await picker.fill(future);
      await picker.press('Enter');
      await form.getByRole('button', { name: /Send/ }).click();
      await detail.getByTestId('send-error').getByText(/future/).waitFor();
      await shoot(page, 'detail-error');
      // … and one an hour ago is accepted and shows in the history and the table.
      const past = new Date(Math.floor((Date.now() - 3600_000) / 60_000) * 60_000);
      await picker.click();
      await picker.fill(past.toISOString().slice(0, 16).replace('T', ' '));
      await picker.press('Enter');
      await form.getByRole('textbox', { name: 'Remark (optional)' }).fill('all lines let go');
      await form.getByRole('button', { name: /Send/ }).click();
      await detail.getByText('all lines let go').waitFor();
      assert.equal(await detail.getByTestId('ts-ATD-Berth').innerText(), shownInUtc(past.toISOString()));
      assert.equal(await entries.count(), 5);
      await row.getByText('Departed').waitFor();
      await shoot(page, 'detail');
      await page.keyboard.press('Escape');
      await page.waitForURL(/\/port-calls$/);

      // Berth plan: the chart draws on a canvas.
      await page.getByRole('menuitem', { name: 'Berth plan' }).click();
      await page.waitForURL(/\/berth-plan$/);
      const chart = page.getByTestId('berth-plan-chart');
      await chart.locator('canvas').waitFor();
      await visible(page, 'Berths and calls (3 in the window)');
      const drawn = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0);
      assert.ok(drawn, 'the chart canvas has a size');
      await page.waitForTimeout(300);
      await shoot(page, 'berth-plan');

      // Efficiency: the KPI cards over the last 90 days (the two calls that reached the berth).
      await page.getByRole('menuitem', { name: 'Port efficiency' }).click();
      await page.waitForURL(/\/efficiency$/);
      const cards = page.getByTestId('kpi-cards');
      for (const label of ['Berth on arrival', 'Average waiting time', 'Waiting time, 90th percentile', 'Mainline time in port', 'Moves per ship-hour', 'Moves per crane-hour', 'Schedule reliability']) {
        await cards.getByText(label, { exact: true }).waitFor();
      }
      await visible(page, 'Calls in the period: 2');
      await page.getByTestId('kpi-scheduleReliability').getByText('100').waitFor();
      await page.getByTestId('kpi-chart').locator('canvas').waitFor();
      await page.waitForTimeout(300);
      await shoot(page, 'efficiency');

      // 中文.
      await page.getByText('中文', { exact: true }).click();
      for (const text of ['港口效率', '抵港即靠泊率', '船期准班率', '船舶靠泊', '泊位计划']) await visible(page, text);
      assert.equal(await page.getByText('Berth on arrival', { exact: true }).count(), 0);
      await page.getByRole('menuitem', { name: '船舶靠泊' }).click();
      await page.getByTestId('port-calls').getByText('已离泊').first().waitFor();
      await page.getByTestId('port-calls').getByText('计划', { exact: true }).first().waitFor();
      await page.getByRole('menuitem', { name: '泊位计划' }).click();
      await page.getByTestId('berth-plan-chart').locator('canvas').waitFor();
      await visible(page, '泊位与挂靠（时段内 3 艘次）');
      await page.waitForTimeout(300);
      await shoot(page, 'berth-plan-zh');
    } finally {
      await context.close();
    }
  });

  it('the planner drags a ship to another berth and time, sees the proposal, accepts it, and re-plans when a new ETA breaks the plan', async () => {
    // Refused proposals answer 400 and "no accepted plan" 404: expected failed requests.
    const { context, page } = await loggedInPage();
    const callDetail = async () => (await t.inject({ method: 'GET', url: `/v1/port-calls/${planned}`, headers: terminal.auth })).json();
    try {
      await page.getByRole('menuitem', { name: 'Berth plan' }).click();
      await page.waitForURL(/\/berth-plan$/);
      const chart = page.getByTestId('berth-plan-chart');
      await chart.locator('canvas').waitFor();

      // Where the movable bar and the rows are (the chart's text alternative carries its pixels).
      const list = page.getByTestId('berth-plan-bars');
      const item = list.locator(`li[data-call="${planned}"]`);
      await item.waitFor({ state: 'attached' });
      assert.equal(await list.locator('li[data-call]').count(), 1, 'only the ship not yet at its berth can be moved');
      const num = async (l: typeof item, name: string) => Number(await l.getAttribute(name));
      /** Drags the bar by `hours` along time, onto berth `to`'s row (positions are read afresh: alerts move the chart). */
      const drag = async (hours: number, to: string) => {
        const box = (await chart.boundingBox())!;
        const [x, y] = [box.x + await num(item, 'data-x'), box.y + await num(item, 'data-y')];
        const perHour = await num(list, 'data-px-per-hour');
        assert.ok(perHour > 0);
        const row = box.y + await num(list.locator(`li[data-berth="${to}"]`), 'data-y');
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + hours * perHour, row, { steps: 12 });
        await page.getByTestId('berth-plan-ghost').waitFor();
        await page.mouse.up();
      };

      // Six hours earlier is before the ship's ETA: refused, naming the rule.
      await drag(-6, 'B2');
      await page.getByTestId('berth-plan-refused').getByText(/berthPlan\.beforeArrival/).waitFor();
      await page.getByTestId('berth-plan-refused').getByText('This change cannot be planned').waitFor();
      await page.getByTestId('berth-plan-refused').getByText(/Feeder Star cannot berth before it arrives/).waitFor();
      await shoot(page, 'berth-plan-refused');
      // The reason is said from the rule and its parameters, so in Chinese when the page is in Chinese.
      await page.getByText('中文', { exact: true }).click();
      await page.getByTestId('berth-plan-refused').getByText(/Feeder Star 不能在抵达前靠泊/).waitFor();
      assert.equal(await page.getByTestId('berth-plan-refused').getByText(/cannot berth before it arrives/).count(), 0);
      await shoot(page, 'berth-plan-refused-zh');
      await page.getByText('English', { exact: true }).click();
      await page.getByTestId('berth-plan-refused').getByText(/cannot berth before it arrives/).waitFor();

      // Two hours later on B1: the proposal, explained; nothing is written yet.
      await drag(2, 'B1');
      const proposal = page.getByTestId('berth-plan-proposal');
      await proposal.getByText('Proposed plan (not accepted yet)').waitFor();
      const row = proposal.locator('tbody tr').filter({ hasText: 'Feeder Star' });
      await row.getByText('B1', { exact: true }).waitFor();
      await row.getByText('moved', { exact: true }).waitFor();
      await row.getByText(/pinned by the planner to berth B1/).waitFor();
      assert.equal((await callDetail()).berthId, 'B2', 'a proposal changes nothing');
      await shoot(page, 'berth-plan-proposal');

      await proposal.getByRole('button', { name: /Accept plan/ }).click();
      await page.getByTestId('berth-plan-notice').getByText(/Plan accepted/).waitFor();
      await page.getByTestId('berth-plan-current').waitFor();
      const accepted = await callDetail();
      assert.equal(accepted.berthId, 'B1');
      const pta = Date.parse(accepted.berthArrival.planned);
      assert.ok(Math.abs(pta - (Date.parse(qingdao(42)) + 2 * 3600_000)) <= 30 * 60_000, `PTA ${accepted.berthArrival.planned} about two hours after the old one`);

      // The carrier's new ETA lies six hours after the planned berth arrival: the plan is stale.
      const newEta = new Date(pta + 6 * 3600_000).toISOString();
      const eta = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [ts('CJK-119', 'ETA-Berth', newEta)] } });
      assert.equal(eta.statusCode, 200, eta.body);
      await page.getByRole('button', { name: /Refresh/ }).click();
      const stale = page.getByTestId('berth-plan-stale');
      await stale.getByText(/Feeder Star: ETA/).waitFor();
      await stale.getByText(shownInUtc(newEta)).waitFor();
      await shoot(page, 'berth-plan-stale');
      // The server's explanation is said in the reader's language (a code and its parameters).
      await page.getByText('中文', { exact: true }).click();
      await stale.getByText(/Feeder Star：预计抵泊/).waitFor();
      await stale.getByText(/晚于计划靠泊时间/).waitFor();
      await page.getByText('English', { exact: true }).click();
      await stale.getByText(/Feeder Star: ETA/).waitFor();
      await stale.getByRole('button', { name: 'Re-plan' }).click();
      await proposal.getByText('Proposed plan (not accepted yet)').waitFor();
      await proposal.getByRole('button', { name: /Accept plan/ }).click();
      await page.getByTestId('berth-plan-notice').getByText(/Plan accepted/).waitFor();
      await page.getByTestId('berth-plan-current').waitFor();
      assert.equal(await stale.count(), 0);
      assert.ok(Date.parse((await callDetail()).berthArrival.planned) >= Date.parse(newEta), 'the re-plan berths the ship after its new ETA');
    } finally {
      await context.close();
    }
  });

  it('no script errors in the pages', () => {
    assert.deepEqual(pageErrors, []);
  });
});
