// Every event served says who published it: the platform writes the publisher — the party whose
// credentials sent the event, never a claim of the body — into the stored event, in the shape of
// DCSA's `publisher` party and `publisherRole` (the party function codes of DCSA's event domain).
// Bodies that name a publisher themselves are refused by the validator (an unknown field).

export interface PublisherIdentity {
  partyId: string;
  partyName: string;
  roles: readonly string[];
}

/** DCSA party function codes: carrier, terminal, authority, bunker supplier; other roles are service providers. */
const ROLE_CODES: [string, string][] = [
  ['carrier', 'CA'], ['terminal', 'TR'], ['customs', 'ATH'], ['border', 'ATH'], ['msa', 'ATH'], ['port_authority', 'ATH'],
  ['shipping_center', 'ATH'], ['bunker_supplier', 'BUK'],
];

export function publisherRole(roles: readonly string[]): string {
  return ROLE_CODES.find(([role]) => roles.includes(role))?.[1] ?? 'SVP';
}

/** The members added to an event's JSON text: `,"publisher":{…},"publisherRole":"CA"}` (closing it). */
export function publisherSuffix(p: PublisherIdentity): string {
  const publisher = {
    partyName: p.partyName,
    identifyingCodes: [{ DCSAResponsibleAgencyCode: 'ZZZ', partyCode: p.partyId, codeListName: 'Jiaozhou party' }],
  };
  return `,"publisher":${JSON.stringify(publisher)},"publisherRole":${JSON.stringify(publisherRole(p.roles))}}`;
}

/** The event's JSON text (an object, as the validator wrote it) with the publisher added. */
export function withPublisher(body: string, suffix: string): string {
  return body.slice(0, body.lastIndexOf('}')) + suffix;
}
