// Test-data builders and a platform per test file, on the database CI selects: SQLite by default,
// PostgreSQL when DATABASE_URL is set (each test platform gets a schema of its own).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/core/config.js';
import { createPgSchemaUrl, dropPgSchema } from '../src/core/db.js';
import type { InjectOptions } from 'fastify';
import type { DeliveryOptions } from '../src/core/delivery.js';
import type { Role } from '../src/core/identity.js';
import { definitionById } from '../src/modules/portcall/index.js';
import { startPlatform, type Platform } from '../src/platform.js';
import { checkDigit } from '../src/standards/index.js';

export const ADMIN_KEY = 'jz_test_admin_key_0123456789abcdefghijklmnopqrstuv';

export interface TestPlatform {
  platform: Platform;
  /** Calls the API in process. */
  inject: Platform['app']['inject'];
  dialect: 'sqlite' | 'postgres';
  /** A party with an API key; a carrier's `codes` are registered (its booking/B/L prefixes, its box owner codes). */
  party(name: string, roles: Role[], codes?: { referencePrefixes?: string[]; equipmentOwnerCodes?: string[] }): Promise<TestParty>;
  /** `principal` names `agent` to act for it on all its shipments. */
  nameAgent(principal: TestParty, agent: TestParty): Promise<void>;
  close(): Promise<void>;
}

export interface TestParty {
  id: string;
  key: string;
  auth: { authorization: string };
}

/** `localCallbacks`: webhooks may go to loopback, where the tests' receivers listen (default true). */
export async function testPlatform(options: { delivery?: boolean | Partial<DeliveryOptions>; listen?: boolean; localCallbacks?: boolean } = {}): Promise<TestPlatform & { url?: string }> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-test-'));
  const config = { ...loadConfig({ DATA_DIR: dir, JIAOZHOU_DEMO: '0' }), databaseUrl: url, bootstrapAdminKey: ADMIN_KEY, webhooksAllowLocal: options.localCallbacks ?? true };
  const platform = await startPlatform(config, {
    db: url ? { databaseUrl: url, pgSchema: schema, poolSize: 4 } : { sqliteFile: join(dir, 'test.sqlite') },
    delivery: options.delivery ?? false,
  });
  let listenUrl: string | undefined;
  if (options.listen) listenUrl = await platform.app.listen({ port: 0, host: '127.0.0.1' });
  const inject = platform.app.inject.bind(platform.app) as Platform['app']['inject'];
  return {
    platform, inject, dialect: platform.ctx.dialect, url: listenUrl,
    async party(name, roles, codes) {
      const admin = { authorization: `Bearer ${ADMIN_KEY}` };
      const p = await inject({ method: 'POST', url: '/admin/parties', headers: admin, payload: { name, roles } });
      if (p.statusCode !== 201) throw new Error(`create party: ${p.body}`);
      const id = p.json().id as string;
      if (codes) {
        const c = await inject({ method: 'PUT', url: `/admin/parties/${id}/codes`, headers: admin, payload: { referencePrefixes: [], equipmentOwnerCodes: [], ...codes } });
        if (c.statusCode !== 200) throw new Error(`register codes: ${c.body}`);
      }
      const k = await inject({ method: 'POST', url: `/admin/parties/${id}/api-keys`, headers: admin, payload: {} });
      const key = k.json().key as string;
      return { id, key, auth: { authorization: `Bearer ${key}` } };
    },
    async nameAgent(principal, agent) {
      const res = await inject({ method: 'POST', url: '/v1/agents', headers: principal.auth, payload: { agentPartyId: agent.id } });
      if (res.statusCode !== 201) throw new Error(`name agent: ${res.body}`);
    },
    async close() {
      await platform.close();
      if (url && schema) await dropPgSchema(url, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The command line on a database of its own (a data directory, and a schema on PostgreSQL when
 * DATABASE_URL is set): `run(...args)` runs `jiaozhou` with them; `close()` removes both.
 */
export async function cliWorkspace() {
  const url = process.env.DATABASE_URL;
  const schema = `cli_${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, ...(url ? { DATABASE_URL: await createPgSchemaUrl(url, schema) } : {}) };
  return {
    dir,
    run: (...args: string[]) => promisify(execFile)(process.execPath, ['bin/jiaozhou.js', ...args], { env }),
    async close() {
      if (url) await dropPgSchema(url, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid ISO 6346 container number for owner code `owner` (e.g. 'MSCU') and serial n. */
export function containerNumber(owner: string, n: number): string {
  const base = `${owner}${String(n).padStart(6, '0')}`;
  return `${base}${checkDigit(base)}`;
}

let clock = Date.parse('2025-01-01T00:00:00Z');
/** Distinct, increasing past times, so that timelines have a stable order. */
export function nextTime(stepMinutes = 10): string {
  clock += stepMinutes * 60_000;
  return new Date(clock).toISOString();
}

export interface EquipmentEventInput {
  equipmentReference: string;
  code?: string;
  bookings?: string[];
  transportDocuments?: string[];
  at?: string;
  classifier?: string;
  location?: string;
}

/** An event as the builders make it: any DCSA fields, always with its `eventID`. */
export type TestEvent = Record<string, unknown> & { eventID: string };

/** What a test may send as a request body (`inject`'s payload). */
export type Payload = InjectOptions['payload'];

/** A valid DCSA equipment event with sensible defaults. */
export function equipmentEvent(input: EquipmentEventInput): TestEvent {
  const code = input.code ?? 'GTIN';
  const refs = [
    ...(input.bookings ?? []).map((v) => ({ documentReferenceType: 'BKG', documentReferenceValue: v })),
    ...(input.transportDocuments ?? []).map((v) => ({ documentReferenceType: 'TRD', documentReferenceValue: v })),
  ];
  return {
    eventID: randomUUID(),
    eventType: 'EQUIPMENT',
    eventClassifierCode: input.classifier ?? 'ACT',
    eventDateTime: input.at ?? nextTime(),
    eventCreatedDateTime: '2026-11-01T00:00:00Z',
    equipmentEventTypeCode: code,
    equipmentReference: input.equipmentReference,
    ISOEquipmentCode: '45G1',
    emptyIndicatorCode: 'LADEN',
    eventLocation: { locationName: 'Qianwan Container Terminal', UNLocationCode: input.location ?? 'CNTAO' },
    ...(code === 'LOAD' || code === 'DISC' ? { transportCall: transportCall() } : {}),
    ...(refs.length ? { documentReferences: refs } : {}),
  };
}

export function transportCall() {
  return {
    transportCallID: 'TC-CNTAO-2611',
    carrierServiceCode: 'AEX',
    exportVoyageNumber: '2611E',
    UNLocationCode: 'CNTAO',
    modeOfTransport: 'VESSEL',
    facilityTypeCode: 'POTE',
    vessel: { vesselIMONumber: '9321483', vesselName: 'COSCO Qingdao', vesselFlag: 'CN', vesselCallSignNumber: 'BQDA' },
  };
}

export function transportEvent(code = 'ARRI', at = nextTime()): TestEvent {
  return {
    eventID: randomUUID(), eventType: 'TRANSPORT', eventClassifierCode: 'ACT', eventDateTime: at,
    eventCreatedDateTime: '2026-11-01T00:00:00Z', transportEventTypeCode: code, transportCall: transportCall(),
  };
}

export function shipmentEvent(documentID: string, documentTypeCode = 'BKG', code = 'CONF'): Record<string, unknown> {
  return {
    eventID: randomUUID(), eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventDateTime: nextTime(),
    eventCreatedDateTime: '2026-11-01T00:00:00Z', shipmentEventTypeCode: code, documentID, documentTypeCode,
  };
}

/** Waits, in bounded steps, until `check` holds. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An SSE connection whose text and end are observed as they come. */
/** A server-sent-events stream read in the background (`text` grows; `close` aborts), or the problem when refused. */
export async function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const state = { status: res.status, text: '', ended: false, close: () => controller.abort(), json: undefined as unknown };
  if (res.status !== 200) {
    state.json = await res.json();
    state.ended = true;
    return state;
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        state.text += decoder.decode(value, { stream: true });
      }
    } catch { /* aborted */ }
    state.ended = true;
  })();
  await waitFor(() => state.text.includes(': connected'), 'the stream to open');
  return state;
}

/** A DCSA Port Call event for a timestamp definition (`ETA-Berth`, …) of a call. */
export function portCallTimestamp(call: { terminalCallReference: string }, definition: string, at: string, over: Record<string, unknown> = {}) {
  const d = definitionById(definition)!;
  return {
    eventID: randomUUID(),
    terminalCall: { terminalCallReference: call.terminalCallReference },
    portCallService: { portCallServiceTypeCode: d.service, portCallServiceEventTypeCode: d.eventType, ...(d.phase ? { portCallPhaseTypeCode: d.phase } : {}) },
    timestamp: { classifierCode: d.classifier, serviceDateTime: at },
    ...over,
  };
}
