// Logins are the one anonymous route that costs real work: a password hash (scrypt) on libuv's
// thread pool, which the embedded database's group commit also needs for its fsync. A flood of
// logins therefore slows everyone's writes. The guard refuses, before any hashing, a username or
// an address that failed too often lately (429), and lets only a few hashes run at once: beyond
// them a login is answered 503 at once instead of queueing on the thread pool. The state is per
// node and in memory: a restart forgets it, several nodes each count their own.
import type { Limits } from './config.js';
import { RetryLater } from './errors.js';

/** Failures of one key (a username or an address) within the window, oldest first. */
class FailureWindow {
  // Past this many keys, expired ones are swept and then the oldest dropped: memory stays bounded.
  private static readonly MAX_KEYS = 100_000;
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Milliseconds until `key` may try again, or 0. */
  waitMs(key: string, now: number): number {
    if (this.limit === 0) return 0;
    const times = this.recent(key, now);
    return times.length >= this.limit ? times[times.length - this.limit] + this.windowMs - now : 0;
  }

  add(key: string, now: number): void {
    if (this.limit === 0) return;
    const times = this.recent(key, now);
    times.push(now);
    if (times.length > this.limit) times.shift();
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > FailureWindow.MAX_KEYS) this.shrink(now);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private shrink(now: number) {
    for (const [key, times] of this.failures) if (times[times.length - 1] <= now - this.windowMs) this.failures.delete(key);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= FailureWindow.MAX_KEYS * 0.9) break;
      this.failures.delete(key);
    }
  }
}

export class LoginGuard {
  private readonly byUsername: FailureWindow;
  private readonly byAddress: FailureWindow;
  private hashing = 0;

  constructor(private readonly limits: Limits, private readonly now: () => number = Date.now) {
    const windowMs = limits.loginWindowMinutes * 60_000;
    this.byUsername = new FailureWindow(limits.loginFailuresPerUsername, windowMs);
    this.byAddress = new FailureWindow(limits.loginFailuresPerAddress, windowMs);
  }

  /** Throws a 429 when the username or the address failed too often within the window. */
  check(username: string, address: string): void {
    const now = this.now();
    const wait = Math.max(this.byUsername.waitMs(usernameKey(username), now), this.byAddress.waitMs(address, now));
    if (wait > 0) throw new RetryLater('rate-limited', 'too many failed logins for this username or from this address; try again later', wait / 1000);
  }

  failed(username: string, address: string): void {
    const now = this.now();
    this.byUsername.add(usernameKey(username), now);
    this.byAddress.add(address, now);
  }

  /** A right password clears the username's failures (an address's stay: it may be guessing others). */
  succeeded(username: string): void {
    this.byUsername.forget(usernameKey(username));
  }

  /** Runs `hash` (a login) in one of the few hash slots, or throws a 503 when none is free. */
  async withHashSlot<T>(hash: () => Promise<T>): Promise<T> {
    const slots = this.limits.concurrentPasswordHashes;
    if (slots > 0 && this.hashing >= slots) throw new RetryLater('unavailable', 'too many logins at this moment; try again in a second', 1);
    this.hashing++;
    try {
      return await hash();
    } finally {
      this.hashing--;
    }
  }
}

// Usernames differ only by case for a guesser: count them as one.
const usernameKey = (username: string) => username.trim().toLowerCase();
