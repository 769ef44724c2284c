// Where webhook callbacks may go, and sending them there. A subscriber names the URL, so a
// callback could otherwise reach what only the platform's own network reaches — a database, an
// admin console, a cloud metadata service (server-side request forgery). By default a callback
// goes only to public addresses: a literal local address is refused when the subscription is
// made, and a host name is checked each time it is resolved for sending, on the very address the
// request then connects to, so a name that later resolves inward (DNS rebinding) gets nowhere.
// A deployment whose receivers sit on its own network sets JIAOZHOU_WEBHOOKS_ALLOW_LOCAL=1.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Loopback, private, link-local, shared, reserved and multicast ranges (IANA special-purpose registries). */
const LOCAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) LOCAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) LOCAL.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address is one a callback may not reach unless local callbacks are allowed. */
export function isLocalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return LOCAL.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return LOCAL.check(mapped[1], 'ipv4');
  return LOCAL.check(address, 'ipv6');
}

/**
 * Why a callback URL's host may not be used, judged without resolving it (for the answer to the
 * subscriber); undefined when it may. Host names are judged when they are resolved for sending.
 */
export function localCallbackHost(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (isIP(host) && isLocalAddress(host)) return `${host} is not a public address`;
  return undefined;
}

export class CallbackAddressError extends Error {}

/** dns.lookup that refuses local addresses: the request connects only to what it returns. */
export const publicLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isLocalAddress(a.address));
    if (refused) return callback(new CallbackAddressError(`${hostname} resolves to ${refused.address}, not a public address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** POSTs a body to a callback URL; resolves to the answer's status, after reading the answer. */
export function postCallback(url: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; allowLocal: boolean }): Promise<number> {
  const target = new URL(url);
  if (!options.allowLocal) {
    const reason = localCallbackHost(target);
    if (reason) return Promise.reject(new CallbackAddressError(reason));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.allowLocal ? {} : { lookup: publicLookup }),
    }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
