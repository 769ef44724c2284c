// The web app's two languages: both resource files have the same keys, no empty strings, the same
// placeholders, every key the code asks for, and a translation of every code the platform accepts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES } from '../src/core/identity.js';
import {
  DOCUMENT_TYPE_CODES, EMPTY_INDICATOR_CODES, EQUIPMENT_EVENT_TYPE_CODES, EVENT_CLASSIFIER_CODES, EVENT_TYPES,
  MODES_OF_TRANSPORT, SHIPMENT_EVENT_TYPE_CODES, TRANSPORT_EVENT_TYPE_CODES,
} from '../src/modules/tracking/model.js';
import { EXPLANATION_ITEMS, EXPLANATIONS } from '../src/modules/portcall/berthplan/explanations.js';
import { PROBLEM_ITEMS, PROBLEMS } from '../src/modules/portcall/problems.js';

const root = new URL('../web/', import.meta.url).pathname;
const LOCALES = ['en', 'zh-CN'] as const;

type Tree = { [key: string]: string | Tree };
const load = (name: string) => JSON.parse(readFileSync(join(root, 'src/locales', `${name}.json`), 'utf8')) as Tree;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const resources = Object.fromEntries(LOCALES.map((l) => [l, flatten(load(l))])) as Record<(typeof LOCALES)[number], Map<string, string>>;
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('web app translations', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const en = [...resources.en.keys()].sort();
    const zh = [...resources['zh-CN'].keys()].sort();
    assert.deepEqual(en.filter((k) => !resources['zh-CN'].has(k)), [], 'keys missing in zh-CN.json');
    assert.deepEqual(zh.filter((k) => !resources.en.has(k)), [], 'keys missing in en.json');
    assert.ok(en.length > 50);
  });

  it('no translation is empty, and both languages use the same placeholders', () => {
    for (const [key, en] of resources.en) {
      const zh = resources['zh-CN'].get(key) ?? '';
      assert.ok(en.trim(), `en: ${key} is empty`);
      assert.ok(zh.trim(), `zh-CN: ${key} is empty`);
      assert.deepEqual(placeholders(zh), placeholders(en), `placeholders of ${key}`);
    }
  });

  it('every literal key the code asks for exists', () => {
    const used = new Set<string>();
    for (const file of sources(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([\w.-]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\btitleKey:\s*'([\w.-]+)'/g)) used.add(m[1]);
    }
    assert.ok(used.size > 40, `found only ${used.size} keys; has the code changed its t() style?`);
    for (const key of used) assert.ok(resources.en.has(key), `the code uses ${key}, which en.json lacks`);
  });

  it('every code and role the platform knows is translated', () => {
    const groups: Record<string, readonly string[]> = {
      'codes.eventType': EVENT_TYPES,
      'codes.equipment': EQUIPMENT_EVENT_TYPE_CODES,
      'codes.transport': TRANSPORT_EVENT_TYPE_CODES,
      'codes.shipment': SHIPMENT_EVENT_TYPE_CODES,
      'codes.classifier': EVENT_CLASSIFIER_CODES,
      'codes.emptyIndicator': EMPTY_INDICATOR_CODES,
      'codes.modeOfTransport': MODES_OF_TRANSPORT,
      'codes.documentType': DOCUMENT_TYPE_CODES,
      roles: ROLES,
      'tracking.mode': ['auto', 'container', 'booking', 'bl'],
      'tracking.notFound': ['auto', 'container', 'booking', 'bl'],
      language: LOCALES,
    };
    for (const [group, codes] of Object.entries(groups)) {
      for (const code of codes) assert.ok(resources.en.has(`${group}.${code}`), `${group}.${code} is not translated`);
    }
  });

  it('every explanation code the server can emit (berth plans: why, stale) is in both languages, with only the parameters it fills', () => {
    // `explanation()` accepts only the codes of this table, so the table is what the server can say.
    const tables: Record<string, readonly string[]> = { ...EXPLANATIONS, ...EXPLANATION_ITEMS };
    assert.ok(Object.keys(EXPLANATIONS).length >= 14);
    for (const [code, params] of Object.entries(tables)) {
      for (const locale of LOCALES) {
        const text = resources[locale].get(code);
        assert.ok(text, `${locale}: explanation ${code} is not translated`);
        const unknown = placeholders(text).filter((p) => !params.includes(p));
        assert.deepEqual(unknown, [], `${locale}: ${code} uses placeholders the server does not fill`);
      }
    }
  });

  it('every rule the port call module can refuse with is in both languages, with only the parameters the server fills', () => {
    // The module's sources (its sub-folders too) and the core's field checker its events are
    // checked with name the rules they raise as string literals: every one must be in the
    // table of problems.ts (whose keys are the locale keys `problems.<rule>`), and so must the
    // rules of the validators it uses (src/standards) and the generic ones of its checks.
    const portcall = new URL('../src/modules/portcall/', import.meta.url).pathname;
    const core = new URL('../src/core/', import.meta.url).pathname;
    const text = (dir: string, names: string[]) => names.map((n) => readFileSync(join(dir, n), 'utf8')).join('\n');
    // Audit records name actions (`portcall.read`) in the same style: their lines are not rules.
    const sources = readdirSync(portcall, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
    const own = [text(portcall, sources), text(core, ['fieldChecker.ts'])].join('\n')
      .split('\n').filter((line) => !/\baudit\(|_TOPIC = /.test(line)).join('\n');
    const raised = new Set<string>();
    for (const m of own.matchAll(/'((?:portcall|berthPlan)\.\w+)'/g)) raised.add(m[1]);
    for (const m of own.matchAll(/\b(?:fail|invalid|invalidCoded)\((?:[^,()'`\n]|'[^'\n]*'|`[^`\n]*`)+,\s*'(\w+)'/g)) raised.add(m[1]);
    for (const m of own.matchAll(/\bfail(?:<\w+>)?\('(\w+)'/g)) raised.add(m[1]);
    for (const m of own.matchAll(/\brule:\s*'(\w+)'/g)) raised.add(m[1]);
    const standards = new URL('../src/standards/', import.meta.url).pathname;
    for (const m of text(standards, ['imo.ts', 'mmsi.ts', 'unlocode.ts', 'datetime.ts']).matchAll(/'((?:imo|mmsi|unlocode|datetime)\.\w+)'/g)) raised.add(m[1]);
    // Ajv's keywords for the route schemas (core/errors.ts turns them into rules).
    for (const keyword of ['required', 'type', 'enum', 'format', 'additionalProperties', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'maxItems']) raised.add(keyword);
    const explained = (code: string) => /^berthPlan\.(why|staleWhy|violation)\./.test(code);
    const rules = new Set(Object.keys(PROBLEMS).flatMap((r) => [r, r.replace(/_\w+$/, '')]));
    assert.ok(raised.size > 60, `found only ${raised.size} rules; has the code changed its style?`);
    for (const rule of raised) if (!explained(rule)) assert.ok(rules.has(rule), `the module raises ${rule}, which problems.ts does not list`);

    const tables: Record<string, readonly string[]> = { ...PROBLEMS, ...PROBLEM_ITEMS };
    for (const [rule, params] of Object.entries(tables)) {
      for (const locale of LOCALES) {
        const message = resources[locale].get(`problems.${rule}`);
        assert.ok(message, `${locale}: problems.${rule} is not translated`);
        // `field` (the pointer's last segment) is added by the web app to every message.
        const unknown = placeholders(message).filter((p) => !params.includes(p) && p !== 'field');
        assert.deepEqual(unknown, [], `${locale}: problems.${rule} uses placeholders the server does not fill`);
      }
    }
  });

  it('the labels the brief names', () => {
    const zh = resources['zh-CN'];
    const expected: Record<string, [string, string]> = {
      'codes.equipment.LOAD': ['Loaded', '装船'], 'codes.equipment.DISC': ['Discharged', '卸船'],
      'codes.equipment.GTIN': ['Gate in', '进闸'], 'codes.equipment.GTOT': ['Gate out', '出闸'],
      'codes.transport.ARRI': ['Arrived', '抵港'], 'codes.transport.DEPA': ['Departed', '离港'],
      'codes.classifier.ACT': ['Actual', '实际'], 'codes.classifier.EST': ['Estimated', '预计'], 'codes.classifier.PLN': ['Planned', '计划'],
      'codes.emptyIndicator.LADEN': ['Laden', '重箱'], 'codes.emptyIndicator.EMPTY': ['Empty', '空箱'],
      'tracking.live': ['Live', '实时'], 'nav.tracking': ['Container tracking', '集装箱跟踪'],
    };
    for (const [key, [en, cn]] of Object.entries(expected)) {
      assert.equal(resources.en.get(key), en, key);
      assert.equal(zh.get(key), cn, key);
    }
  });
});
