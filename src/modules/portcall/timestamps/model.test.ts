import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { validatePortCallEvent, type PortCallEvent } from './model.js';
import { checkActualOrder, factOf, project, type TimestampFact } from './projection.js';

const NOW = new Date('2026-03-10T00:00:00Z');

function event(over: Record<string, unknown> = {}, service = 'BERTH', eventType = 'ARRI', classifier = 'EST', at = '2026-03-01T08:00:00+08:00') {
  return {
    eventID: randomUUID(),
    terminalCall: { terminalCallReference: 'QQCT-2611E' },
    portCallService: { portCallServiceTypeCode: service, portCallServiceEventTypeCode: eventType },
    timestamp: { classifierCode: classifier, serviceDateTime: at },
    ...over,
  };
}

const ok = (raw: unknown): PortCallEvent => {
  const r = validatePortCallEvent(raw, '/body/events/0', NOW);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.event;
};
const errorsOf = (raw: unknown) => {
  const r = validatePortCallEvent(raw, '/body/events/0', NOW);
  assert.ok(!r.ok, 'expected a rejection');
  return r.errors.map((e) => `${e.pointer} ${e.rule}`);
};

describe('validatePortCallEvent', () => {
  it('accepts a berth ETA and names its definition, in UTC', () => {
    const e = ok(event());
    assert.equal(e.definition, 'ETA-Berth');
    assert.equal(e.serviceDateTime, '2026-03-01T00:00:00.000Z');
    assert.equal(e.phase, 'INBD');
    assert.deepEqual(e.call, { id: null, reference: 'QQCT-2611E' });
    assert.equal(e.eventDateTime, NOW.toISOString());
    assert.equal(JSON.parse(e.body).eventUpdatedDateTime, NOW.toISOString());
  });

  it('hashes the event as published, so a retry is recognised', () => {
    const raw = event();
    assert.equal(ok(raw).contentHash, ok({ ...raw }).contentHash);
    assert.notEqual(ok(raw).contentHash, ok({ ...raw, isFYI: true }).contentHash);
  });

  it('rejects each broken rule with its pointer and rule code', () => {
    const at = '/body/events/0';
    const cases: [unknown, string][] = [
      [{ ...event(), colour: 'red' }, `${at}/colour additionalProperties`],
      [event({ timestamp: { classifierCode: 'EST', serviceDateTime: '2026-03-01T08:00:00', extra: 1 } }), `${at}/timestamp/extra additionalProperties`],
      [event({ timestamp: { classifierCode: 'EST', serviceDateTime: '2026-03-01T08:00:00' } }), `${at}/timestamp/serviceDateTime datetime.offsetRequired`],
      [event({ eventID: 'abc' }), `${at}/eventID format`],
      [event({}, 'BERTH', 'ARRI', 'XXX'), `${at}/timestamp/classifierCode enum`],
      [event({}, 'QUAY'), `${at}/portCallService/portCallServiceTypeCode enum`],
      [event({}, 'BERTH', 'STRT'), `${at}/portCallService/portCallServiceEventTypeCode portcall.serviceEventType`],
      [event({}, 'ALL_FAST', 'ARRI', 'REQ'), `${at}/timestamp/classifierCode portcall.timestampDefinition`],
      [event({}, 'PILOTAGE', 'STRT', 'EST'), `${at}/portCallService/portCallPhaseTypeCode required`],
      [event({}, 'BERTH', 'ARRI', 'ACT', '2026-03-10T00:06:00Z'), `${at}/timestamp/serviceDateTime actualNotInFuture`],
      [event({ terminalCall: {} }), `${at}/terminalCall/terminalCallReference required`],
      [event({ terminalCall: { terminalCallID: 'x' } }), `${at}/terminalCall/terminalCallID format`],
      [event({ timestamp: undefined }), `${at}/timestamp required`],
      [event({ vessel: { vesselIMONumber: '9321484' } }), `${at}/vessel/vesselIMONumber imo.checkDigit`],
      [event({ vessel: { vesselMMSINumber: '123' } }), `${at}/vessel/vesselMMSINumber mmsi.format`],
      [event({ vessel: { lengthOverall: 300 } }), `${at}/vessel/vesselSizeUnit required`],
      [event({ portCall: { UNLocationCode: 'QQTAO' } }), `${at}/portCall/UNLocationCode unlocode.country`],
      [event({ movesForecasts: [] }), `${at}/movesForecasts portcall.notAllowed`],
      [{ ...event({}, 'MOVES', 'ARRI'), movesForecasts: [{}] }, `${at}/timestamp portcall.notAllowed`],
      [{ ...event({}, 'MOVES', 'ARRI'), timestamp: undefined }, `${at}/movesForecasts required`],
      [event({ portCallService: { portCallServiceTypeCode: 'ANCHORAGE', portCallServiceEventTypeCode: 'STRT', portCallPhaseTypeCode: 'INBD' } }, 'ANCHORAGE', 'STRT'), `${at}/portCallService/portCallPhaseTypeCode portcall.phase`],
      [event({ replyToEventID: 'nope' }), `${at}/replyToEventID format`],
    ];
    for (const [raw, expected] of cases) assert.ok(errorsOf(raw).includes(expected), `${expected} in ${JSON.stringify(errorsOf(raw))}`);
  });

  it('rejects what is not an object', () => {
    assert.deepEqual(errorsOf('x'), ['/body/events/0 type']);
  });

  it('allows five minutes of clock skew for actuals', () => {
    assert.equal(ok(event({}, 'BERTH', 'ARRI', 'ACT', '2026-03-10T00:04:59Z')).definition, 'ATA-Berth');
  });

  it('totals a moves forecast: totals when given, else sizes; reefers and OOG are not added again', () => {
    const e = ok({
      ...event({}, 'MOVES', 'ARRI'), timestamp: undefined,
      movesForecasts: [
        { carrierCode: 'COSU', carrierCodeListProvider: 'SMDG', loadUnits: { totalUnits: { totalUnits: 400 } }, dischargeUnits: { ladenUnits: { size20Units: 100, size40Units: 150 }, emptyUnits: { totalUnits: 50 }, pluggedReeferUnits: { totalUnits: 30 } } },
        { restowUnits: { size40Units: 20 } },
      ],
    });
    assert.equal(e.definition, 'MOVES');
    assert.equal(e.movesTotal, 400 + 300 + 20);
  });

  it('collects the claims that must agree with the call', () => {
    const e = ok(event({
      portCall: { UNLocationCode: 'CN TAO' }, vessel: { vesselIMONumber: 'IMO 9321483' },
      terminalCall: { terminalCallReference: 'R', serviceCodeOrReference: { carrierServiceCode: 'AEX' }, exportVoyageNumberOrReference: { carrierVoyageNumber: '2611E' } },
    }));
    assert.deepEqual(e.claims.map((c) => [c.field, c.value]), [['UNLocationCode', 'CNTAO'], ['carrierServiceCode', 'AEX'], ['exportVoyageNumber', '2611E'], ['vesselIMONumber', '9321483']]);
  });
});

describe('order of actuals', () => {
  const fact = (raw: unknown) => factOf(ok(raw));
  const at = '/body/events/0';

  it('a completion cannot precede the start of the same service', () => {
    const start = fact(event({}, 'CARGO_OPERATIONS', 'STRT', 'ACT', '2026-03-02T10:00:00Z'));
    const early = ok(event({}, 'CARGO_OPERATIONS', 'CMPL', 'ACT', '2026-03-02T09:00:00Z'));
    // The message's parameters (problems.ts) name the service and both times, for the reader's language.
    assert.deepEqual(checkActualOrder([start], early, at), {
      pointer: `${at}/timestamp/serviceDateTime`, rule: 'portcall.completionBeforeStart', detail: checkActualOrder([start], early, at)!.detail,
      params: { service: 'CARGO_OPERATIONS', start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T09:00:00.000Z' },
    });
    assert.equal(checkActualOrder([start], ok(event({}, 'CARGO_OPERATIONS', 'CMPL', 'ACT', '2026-03-02T19:00:00Z')), at), undefined);
    // An estimate is not an actual; another service is another service.
    assert.equal(checkActualOrder([start], ok(event({}, 'CARGO_OPERATIONS', 'CMPL', 'EST', '2026-03-02T09:00:00Z')), at), undefined);
    assert.equal(checkActualOrder([start], ok(event({}, 'SHORE_POWER', 'CMPL', 'ACT', '2026-03-02T09:00:00Z')), at), undefined);
  });

  it('a start cannot follow the completion', () => {
    const end = fact(event({}, 'CARGO_OPERATIONS', 'CMPL', 'ACT', '2026-03-02T10:00:00Z'));
    assert.equal(checkActualOrder([end], ok(event({}, 'CARGO_OPERATIONS', 'STRT', 'ACT', '2026-03-02T11:00:00Z')), at)?.rule, 'portcall.completionBeforeStart');
  });

  it('an actual departure cannot precede the actual berth arrival, nor an arrival follow the departure', () => {
    const ata = fact(event({}, 'BERTH', 'ARRI', 'ACT', '2026-03-02T10:00:00Z'));
    assert.equal(checkActualOrder([ata], ok(event({}, 'BERTH', 'DEPA', 'ACT', '2026-03-02T09:59:00Z')), at)?.rule, 'portcall.departureBeforeArrival');
    assert.equal(checkActualOrder([ata], ok(event({}, 'BERTH', 'DEPA', 'ACT', '2026-03-03T10:00:00Z')), at), undefined);
    const atd = fact(event({}, 'BERTH', 'DEPA', 'ACT', '2026-03-03T10:00:00Z'));
    assert.equal(checkActualOrder([atd], ok(event({}, 'BERTH', 'ARRI', 'ACT', '2026-03-03T11:00:00Z')), at)?.rule, 'portcall.departureBeforeArrival');
  });

  it('judges against the latest actual: a corrected start counts', () => {
    const first = fact(event({}, 'CARGO_OPERATIONS', 'STRT', 'ACT', '2026-03-02T10:00:00Z'));
    const corrected = fact(event({}, 'CARGO_OPERATIONS', 'STRT', 'ACT', '2026-03-02T08:00:00Z'));
    assert.equal(checkActualOrder([first, corrected], ok(event({}, 'CARGO_OPERATIONS', 'CMPL', 'ACT', '2026-03-02T09:00:00Z')), at), undefined);
  });
});

describe('projection of a call', () => {
  const facts = (...raws: unknown[]): TimestampFact[] => raws.map((r) => factOf(ok(r)));

  it('takes the latest of each timestamp, the first as baseline, and derives the status', () => {
    const p = project(facts(
      event({}, 'BERTH', 'ARRI', 'EST', '2026-03-01T08:00:00Z'),
      event({}, 'BERTH', 'ARRI', 'PLN', '2026-03-01T10:00:00Z'),
      event({}, 'BERTH', 'ARRI', 'PLN', '2026-03-01T12:00:00Z'),
      event({}, 'PILOT_BOARDING_PLACE', 'ARRI', 'ACT', '2026-03-01T09:00:00Z'),
    ));
    assert.equal(p.pta_berth, '2026-03-01T12:00:00.000Z');
    assert.equal(p.first_pta_berth, '2026-03-01T10:00:00.000Z');
    assert.equal(p.expected_berth_arrival, '2026-03-01T12:00:00.000Z');
    assert.equal(p.ata_pbp, '2026-03-01T09:00:00.000Z');
    assert.equal(p.status, 'ARRIVED');
  });

  it('cargo operations fall back to discharge start and load completion', () => {
    const p = project(facts(
      event({}, 'DISCHARGE_CARGO_OPERATIONS', 'STRT', 'ACT', '2026-03-01T10:00:00Z'),
      event({}, 'LOADING_CARGO_OPERATIONS', 'STRT', 'ACT', '2026-03-01T14:00:00Z'),
      event({}, 'LOADING_CARGO_OPERATIONS', 'CMPL', 'ACT', '2026-03-01T20:00:00Z'),
    ));
    assert.deepEqual([p.cargo_ops_start, p.cargo_ops_end], ['2026-03-01T10:00:00.000Z', '2026-03-01T20:00:00.000Z']);
  });

  it('an omitted call is OMITTED until the vessel shows up', () => {
    assert.equal(project(facts(event({ terminalCall: { terminalCallReference: 'R', isOmitted: true } }))).status, 'OMITTED');
    assert.equal(project([]).status, 'PLANNED');
  });
});
