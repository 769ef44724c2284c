// Row types of every table, as the database holds them (snake_case). API types live with their
// routes; converters between the two sit next to the store that reads the rows.
import type { Generated } from 'kysely';

export interface PartyRow {
  id: string;
  name: string;
  /** JSON array of role codes. */
  roles: string;
  created_at: string;
  /** 1 when a role is an authority's (identity.ts): kept as a column for the access policy. */
  authority: Generated<number>;
}

export interface UserRow {
  id: string;
  party_id: string;
  username: string;
  password_hash: string;
  created_at: string;
}

export interface ApiKeyRow {
  id: string;
  party_id: string;
  /** SHA-256 of the key: keys are 256-bit random, so a fast hash is enough. */
  key_hash: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  /** The key stops working then (null: never); set by rotation to end the grace period. */
  expires_at: string | null;
}

export interface SessionRow {
  token_hash: string;
  /** What the user sees and ends a session by; the token hash never leaves the server. */
  id: string;
  user_id: string;
  party_id: string;
  created_at: string;
  expires_at: string;
  /** As the login request sent them, to tell one's sessions apart. */
  user_agent: string | null;
  address: string | null;
}

export interface AuditRow {
  id: Generated<number>;
  at: string;
  party_id: string | null;
  actor: string | null;
  action: string;
  resource: string | null;
  detail: string | null;
}

/** A carrier's registered code: a prefix of its booking and B/L numbers, or a BIC owner code of its boxes. */
export interface PartyCodeRow {
  code: string;
  kind: 'reference' | 'equipment';
  party_id: string;
  created_at: string;
}

/** A party named by a carrier to act for it on all its shipments (its terminals, its rail operator). */
export interface AgentRow {
  principal_party_id: string;
  agent_party_id: string;
  created_at: string;
  revoked_at: string | null;
}

export interface SubscriptionRow {
  id: string;
  party_id: string;
  callback_url: string;
  /** Sealed (`sealed:v1:…`, AES-256-GCM under a key derived from the master key; core/secrets.ts). */
  secret: string;
  /** JSON object of DCSA filters (eventType[], equipmentReference, ...). */
  filters: string;
  created_at: string;
  updated_at: string;
  /** The topic it follows (core/topics.ts), e.g. `tracking.event`. */
  topic: Generated<string>;
}

/** A fact a command emitted (core/commands.ts), in commit order. */
export interface FactRow {
  seq: Generated<number>;
  /** `<module>.<entity>.<past-tense>`, e.g. `portcall.berth.arrived`. */
  name: string;
  /** The entity's id. */
  subject: string;
  /** JSON: ids and changed values. */
  data: string;
  party_id: string | null;
  actor: string | null;
  at: string;
}

export interface OutboxRow {
  id: Generated<number>;
  subscription_id: string;
  /** The item's `seq` in the subscription's topic. */
  seq: number;
  /** `withheld`: the subscriber could no longer read the event when it was due; never sent. */
  status: 'pending' | 'delivered' | 'dead' | 'withheld';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_at: string | null;
}

/** A fingerprint of the master key (core/secrets.ts), so that a node with another key refuses to start. */
export interface PlatformKeyRow {
  name: string;
  fingerprint: string;
  created_at: string;
}

export interface IdempotencyRow {
  party_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

/** An incident or a maintenance window on the public status page (core/status.ts). */
export interface StatusNoticeRow {
  id: string;
  kind: 'incident' | 'maintenance';
  severity: 'minor' | 'major' | 'critical';
  /** The status of the latest update. */
  status: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  /** JSON array of the affected components (api, ingest, …). */
  components: string;
  starts_at: string;
  /** The planned end (maintenance) or expected end; null when open. */
  ends_at: string | null;
  /** When an update resolved (incident) or completed (maintenance) it. */
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StatusNoticeUpdateRow {
  id: Generated<number>;
  notice_id: string;
  status: string;
  message_zh: string;
  message_en: string;
  at: string;
}

export interface Database {
  parties: PartyRow;
  users: UserRow;
  api_keys: ApiKeyRow;
  sessions: SessionRow;
  audit_log: AuditRow;
  subscriptions: SubscriptionRow;
  outbox: OutboxRow;
  facts: FactRow;
  idempotency_keys: IdempotencyRow;
  party_codes: PartyCodeRow;
  agents: AgentRow;
  platform_keys: PlatformKeyRow;
  status_notices: StatusNoticeRow;
  status_notice_updates: StatusNoticeUpdateRow;
}
