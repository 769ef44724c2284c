import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallbackAddressError, isLocalAddress, localCallbackHost, publicLookup } from './callbacks.js';

describe('callback addresses', () => {
  it('refuses loopback, private, link-local, shared, reserved and multicast addresses, IPv4 and IPv6', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::FFFF:10.0.0.1',
      '64:ff9b::a00:1', 'not-an-address']) {
      assert.equal(isLocalAddress(a), true, a);
    }
  });

  it('allows public addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '223.5.5.5', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      assert.equal(isLocalAddress(a), false, a);
    }
  });

  it('judges a URL by its literal host; names are judged when resolved', () => {
    assert.match(localCallbackHost(new URL('http://localhost:8080/x'))!, /this machine/);
    assert.match(localCallbackHost(new URL('http://api.localhost/x'))!, /this machine/);
    assert.match(localCallbackHost(new URL('http://[::1]:9/x'))!, /not a public address/);
    assert.match(localCallbackHost(new URL('https://169.254.169.254/latest/meta-data'))!, /not a public address/);
    assert.equal(localCallbackHost(new URL('https://hooks.example.com/jiaozhou')), undefined);
    assert.match(localCallbackHost(new URL('http://localhost./x'))!, /this machine/);
    assert.equal(localCallbackHost(new URL('https://8.8.8.8/x')), undefined);
  });

  it('refuses a host name when it resolves to a local address, before connecting', async () => {
    const error = await new Promise((resolve) => publicLookup('localhost', {}, (e) => resolve(e)));
    assert.ok(error instanceof CallbackAddressError);
    assert.match((error as Error).message, /localhost resolves to (127\.0\.0\.1|::1), not a public address/);
  });
});
