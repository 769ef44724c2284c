import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EVENT_TYPES_BY_SERVICE, FACILITIES_BY_SERVICE, PHASES_BY_SERVICE } from '../codes.js';
import { deriveDefinitions, findDefinition, parseCsv, TIMESTAMP_DEFINITIONS } from './definitions.js';
import { senderSides } from './roles.js';

const csv = readFileSync(new URL('./jit-timestampdefinitions.csv', import.meta.url), 'utf8');
const def = (id: string) => TIMESTAMP_DEFINITIONS.find((d) => d.id === id)!;

describe('timestamp definitions', () => {
  it('are exactly what the DCSA CSV gives, mapped to Port Call 2.0', () => {
    assert.deepEqual(deriveDefinitions(csv), TIMESTAMP_DEFINITIONS);
  });

  it('parses quoted CSV fields with commas and doubled quotes', () => {
    assert.deepEqual(parseCsv('a,"b, c","say ""hi"""\r\nd,,e\n'), [['a', 'b, c', 'say "hi"'], ['d', '', 'e']]);
  });

  it('fit the Port Call 2.0 rules for event types, phases and facilities, and are unique', () => {
    const keys = new Set<string>();
    for (const d of TIMESTAMP_DEFINITIONS) {
      assert.ok(EVENT_TYPES_BY_SERVICE[d.service].includes(d.eventType), `${d.id}: ${d.eventType}`);
      if (d.phase) assert.ok(PHASES_BY_SERVICE[d.service].includes(d.phase), `${d.id}: ${d.phase}`);
      if (d.facility) assert.ok(FACILITIES_BY_SERVICE[d.service].includes(d.facility), `${d.id}: ${d.facility}`);
      const key = [d.service, d.eventType, d.classifier, d.phase, d.facility].join('|');
      assert.ok(!keys.has(key), `duplicate ${key}`);
      keys.add(key);
    }
  });

  it('maps the JIT 1.x special cases', () => {
    assert.deepEqual(def('ATA-Anchorage'), { id: 'ATA-Anchorage', service: 'ANCHORAGE', eventType: 'STRT', classifier: 'ACT', phase: null, facility: 'ANCH' });
    assert.equal(def('ESOP').service, 'SEA_PASSAGE');
    assert.equal(def('ESOP').eventType, 'CMPL');
    assert.equal(def('Vessel Ready to sail').eventType, 'ARRI');
    assert.equal(def('Terminal Ready for vessel departure').service, 'SAFETY');
    assert.ok(!TIMESTAMP_DEFINITIONS.some((d) => d.id.startsWith('Cancel') || d.id.includes('implicit') || d.id.includes('[JIT 1.1]')));
  });

  it('finds a definition, asking for the phase or facility only where they decide', () => {
    const berth = findDefinition({ service: 'BERTH', eventType: 'ARRI', classifier: 'PLN' });
    assert.ok(berth.ok && berth.definition.id === 'PTA-Berth');
    const pilot = findDefinition({ service: 'PILOTAGE', eventType: 'STRT', classifier: 'EST' });
    assert.deepEqual(pilot.ok ? null : [pilot.field, pilot.rule], ['portCallPhaseTypeCode', 'required']);
    const outbound = findDefinition({ service: 'PILOTAGE', eventType: 'STRT', classifier: 'EST', phase: 'OUTB' });
    assert.ok(outbound.ok && outbound.definition.id === 'ETS-Pilotage (Outbound)');
    const bunker = findDefinition({ service: 'BUNKERING', eventType: 'STRT', classifier: 'REQ', phase: 'ALGS' });
    assert.deepEqual(bunker.ok ? null : [bunker.field, bunker.rule], ['facilityTypeCode', 'required']);
    const none = findDefinition({ service: 'ALL_FAST', eventType: 'ARRI', classifier: 'REQ' });
    assert.deepEqual(none.ok ? null : [none.field, none.rule], ['classifierCode', 'portcall.timestampDefinition']);
  });
});

describe('sender roles (ERP pattern)', () => {
  it('the terminal provides the berth: EST/PLN/ACT; the carrier requests; the vessel estimates its own arrival', () => {
    assert.deepEqual(senderSides(def('RTA-Berth')), ['carrier']);
    assert.deepEqual(senderSides(def('PTA-Berth')), ['terminal']);
    assert.deepEqual(senderSides(def('ATA-Berth')), ['terminal']);
    assert.deepEqual(senderSides(def('ETA-Berth')).sort(), ['carrier', 'terminal']);
    assert.deepEqual(senderSides(def('ETA-PBP')).sort(), ['carrier', 'terminal']);
    assert.deepEqual(senderSides(def('ETD-Berth')), ['terminal']);
    assert.deepEqual(senderSides(def('RTS-Cargo Ops')), ['carrier']);
  });

  it('what only the vessel does or declares is the carrier’s', () => {
    assert.deepEqual(senderSides(def('Vessel Readiness for Cargo operations')), ['carrier']);
    assert.deepEqual(senderSides(def('ESOP')), ['carrier']);
  });
});
