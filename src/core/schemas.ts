// Response schemas of the core's routes, for the OpenAPI document (`/docs/json`) and the web
// client's types generated from it (`npm run api:types`). Answers are plain `JSON.stringify`
// (core/app.ts), so these only describe; test/openapi.test.ts checks that they say the truth.
import { Type, type TSchema } from '@fastify/type-provider-typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = (description = 'UTC, ISO 8601') => Type.String({ description });

/** One broken rule of a request: where (a JSON pointer into the request), which rule, and why. */
export const FieldErrorSchema = Type.Object({
  pointer: Type.String({ description: 'JSON pointer (RFC 6901) into the request: /body/0/equipmentReference, /query/limit' }),
  rule: Type.String({ description: 'Stable machine code of the broken rule: iso6346.checkDigit, required, enum' }),
  detail: Type.String({ description: 'English, for API clients' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Values the rule’s message needs (the web app says problems.<rule> with them)' })),
});

/**
 * RFC 7807 problem details, as core/errors.ts shapes them. Registered once (`app.addSchema`) and
 * referenced by every route's 4XX/5XX answer. Members beyond these are allowed (JSON Schema's
 * default): the DCSA Port Call routes add `feedbackElements`.
 */
export const PROBLEM_SCHEMA_ID = 'Problem';
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'urn:jiaozhou:problem:<kind>' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(FieldErrorSchema)),
}, { $id: PROBLEM_SCHEMA_ID, description: 'RFC 7807 problem details' });

/** The answer of a route that answers with no body. */
export const NoContent = { 204: Type.Unsafe<void>({ type: 'null', description: 'No content' }) };

/** A text answer of another media type than JSON (the metrics, the live stream). */
export const textAnswer = (mediaType: string, description: string) =>
  ({ description, content: { [mediaType]: { schema: Type.String() } } });

// ---- sessions and keys -------------------------------------------------------------------------

export const SessionInfoSchema = Type.Object({
  username: Nullable(Type.String()),
  party: Type.Object({ id: Type.String(), name: Type.String(), roles: Type.Array(Type.String()) }),
}, { description: 'Who is logged in (username null for an API key)' });

export const ApiKeyInfoSchema = Type.Object({
  id: Type.String(), label: Nullable(Type.String()), createdAt: Time(), revokedAt: Nullable(Time()), expiresAt: Nullable(Time()), active: Type.Boolean(),
}, { description: 'An API key, never the key itself' });

export const NewApiKeySchema = Type.Object({
  id: Type.String(), partyId: Type.String(), label: Nullable(Type.String()), createdAt: Time(), expiresAt: Nullable(Time()),
  key: Type.String({ description: 'The key in clear: shown only in this answer' }),
  replaces: Type.Optional(Type.Object({ id: Type.String(), expiresAt: Time('when the old key stops working') })),
}, { description: 'A key just made or rotated' });

// ---- admin -------------------------------------------------------------------------------------

export const PartySchema = Type.Object({ id: Type.String(), name: Type.String(), roles: Type.Array(Type.String()), createdAt: Time() });

export const UserSchema = Type.Object({ id: Type.String(), partyId: Type.String(), username: Type.String(), createdAt: Time() });

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(), at: Time(), partyId: Nullable(Type.String()), actor: Nullable(Type.String()), action: Type.String(),
  resource: Nullable(Type.String()), detail: Type.Unknown({ description: 'what the action was about (JSON), or null' }),
});

export const DeadLetterSchema = Type.Object({
  id: Type.Integer(), subscriptionId: Type.String(), eventID: Nullable(Type.String({ description: 'the item\'s id in its topic (null when no node here serves the topic)' })), attempts: Type.Integer(), lastError: Nullable(Type.String()),
}, { description: 'A notification that could not be delivered after every retry' });

export const ReplayedSchema = Type.Object({ replayed: Type.Integer({ description: 'how many dead letters were queued again' }) });

// ---- operations --------------------------------------------------------------------------------

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export const ReadySchema = Type.Object({ status: Type.Literal('ready'), database: Type.String({ description: 'sqlite or postgres' }) });
