// The simulated port on its own (no server): determinism, volume, conservation, validity.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEvent } from '../modules/tracking/index.js';
import { validateImoNumber, validateMmsi } from '../standards/index.js';
import { PortSimulation, TRANSSHIPMENT_SHARE, type SimAction } from './port.js';
import { ActionQueue } from './runner.js';
import { annualTeuForYear, buildServices, INLAND_PORTS } from './world.js';

const START = Date.UTC(2026, 9, 1);
const run = (seed: number, days: number, sample = 0.02, annualTeu = annualTeuForYear(2035)) => {
  const sim = new PortSimulation({ seed, annualTeu, sample, startMs: START });
  const actions: SimAction[] = [];
  for (let d = 0; d < days; d++) actions.push(...sim.nextDayActions());
  return { sim, actions };
};

describe('port simulation', () => {
  it('the same seed builds the same port and the same events; another seed another', () => {
    const a = run(42, 2), b = run(42, 2), c = run(43, 2);
    assert.deepEqual(a.actions, b.actions);
    assert.notDeepEqual(a.actions.slice(0, 50), c.actions.slice(0, 50));
  });

  it('moves the configured annual TEU ÷ 365 every day, within 2%', () => {
    for (const [year, sample] of [[2024, 0.05], [2035, 0.01], [2035, 0.2]] as const) {
      const { sim } = run(7, 3, sample, annualTeuForYear(year));
      const target = (annualTeuForYear(year) / 365) * sample;
      for (const teu of sim.teuByDay) assert.ok(Math.abs(teu - target) / target < 0.02, `${year} sample ${sample}: ${teu} vs ${target}`);
    }
    assert.equal(annualTeuForYear(2024), 30.87e6);
    assert.equal(annualTeuForYear(2028), 41e6);
    assert.equal(annualTeuForYear(2035), 54e6);
  });

  it('counts transshipment and sea-rail near the plan’s shares', () => {
    const { sim } = run(9, 10, 0.05);
    const ts = sim.stats.transshipmentTeu / sim.stats.teu;
    assert.ok(ts > TRANSSHIPMENT_SHARE - 0.06 && ts < TRANSSHIPMENT_SHARE + 0.04, `transshipment share ${ts}`);
    assert.ok(sim.stats.seaRailTeu / sim.stats.teu > 0.03, 'some boxes go by rail');
  });

  it('every box that enters the port leaves it or is still in the yard', () => {
    const { actions } = run(11, 8, 0.02);
    const queue = new ActionQueue();
    for (const a of actions) queue.push(a);
    const cut = START + 6 * 86_400_000;
    const byBox = new Map<string, string[]>();
    for (const a of queue.takeUntil(cut)) {
      if (a.kind !== 'event' || a.event.eventType !== 'EQUIPMENT') continue;
      const e = a.event as { equipmentEventTypeCode: string; equipmentReference: string; eventLocation: { UNLocationCode: string }; transportCall?: { modeOfTransport: string } };
      if (e.eventLocation.UNLocationCode !== 'CNTAO') continue;
      const mode = e.transportCall?.modeOfTransport;
      const move = e.equipmentEventTypeCode === 'GTIN' || (e.equipmentEventTypeCode === 'DISC' && mode) ? 'in'
        : e.equipmentEventTypeCode === 'GTOT' || (e.equipmentEventTypeCode === 'LOAD' && mode) ? 'out' : undefined;
      if (move) byBox.set(e.equipmentReference, [...(byBox.get(e.equipmentReference) ?? []), move]);
    }
    let entered = 0, left = 0, inYard = 0;
    for (const [box, moves] of byBox) {
      moves.forEach((m, i) => assert.equal(m, i % 2 === 0 ? 'in' : 'out', `${box}: ${moves.join(' ')}`));
      entered += Math.ceil(moves.length / 2);
      left += Math.floor(moves.length / 2);
      if (moves.length % 2) inYard++;
    }
    assert.ok(entered > 1000);
    assert.equal(entered, left + inYard);
  });

  it('every event it produces passes the platform’s own validation', () => {
    const { actions } = run(5, 2, 0.01);
    const now = new Date(START + 30 * 86_400_000);
    for (const a of actions) {
      if (a.kind !== 'event') continue;
      const r = validateEvent(a.event, '/event', now);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    }
  });

  it('the simulator’s own berth model never puts two ships on one berth at once, and each call’s milestones are in order', () => {
    const { actions } = run(13, 6, 0.01);
    const calls = new Map<string, Record<string, number | string>>();
    for (const a of actions) {
      if (a.kind !== 'portcall') continue;
      const c = calls.get(a.callRef) ?? {};
      if (a.op === 'timestamp') c[a.body.service === 'BERTH' && a.body.classifier === 'ACT' ? `${a.body.eventType}` : `${a.body.service}-${a.body.eventType}-${a.body.classifier}`] = Date.parse(a.body.serviceDateTime as string);
      // The berthing step carries the ATA-Berth and the simulator's own berth (the one it uses
      // when no plan holds the call or the planned berth is taken; client.ts decides at run time).
      if (a.op === 'berth') {
        c.ARRI = Date.parse(a.body.serviceDateTime as string);
        c.berth = a.body.berthId as string;
      }
      calls.set(a.callRef, c);
    }
    const byBerth = new Map<string, [number, number][]>();
    for (const c of calls.values()) {
      const pbp = c['PILOT_BOARDING_PLACE-ARRI-ACT'] as number, ata = c.ARRI as number, atd = c.DEPA as number;
      assert.ok(pbp < ata && ata < (c['CARGO_OPERATIONS-STRT-ACT'] as number) && (c['CARGO_OPERATIONS-CMPL-ACT'] as number) < atd);
      byBerth.set(c.berth as string, [...(byBerth.get(c.berth as string) ?? []), [ata, atd]]);
    }
    for (const [berth, windows] of byBerth) {
      windows.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < windows.length; i++) assert.ok(windows[i][0] >= windows[i - 1][1], `overlap on ${berth}`);
    }
    assert.ok(calls.size > 30);
  });

  it('vessels carry valid IMO numbers and MMSIs; the network covers every route group', () => {
    const services = buildServices(3);
    const groups = new Set(services.map((s) => s.group));
    assert.deepEqual([...groups].sort(), ['domestic_trunk', 'europe_americas', 'feeder', 'india_pakistan', 'japan_korea', 'middle_east', 'southeast_asia']);
    for (const v of services.flatMap((s) => s.vessels)) {
      assert.ok(validateImoNumber(v.imo).ok, v.imo);
      const mmsi = validateMmsi(v.mmsi);
      assert.ok(mmsi.ok && mmsi.value.kind === 'ship', v.mmsi);
    }
    assert.ok(INLAND_PORTS.length >= 20);
  });
});
