// Commands and facts: the one write path of the modules. A command runs in one transaction that
// holds the module's rows, its audit records, the facts it emits and everything other modules do
// in reaction to those facts — all of it commits, or none of it.
//
// A fact is named `<module>.<entity>.<past-tense>` (`portcall.berth.arrived`) and carries ids and
// the changed values, never a whole row. Modules register handlers for other modules' facts
// through the registry (`Commands.on`, from their `register`), never by importing each other; the
// handlers run inside the emitting transaction, in registration order, and may emit facts in turn.
// Facts are kept in one log (`facts`), in commit order, for audit and for modules added later.
import type { Principal } from './auth.js';
import type { Db, Dialect, Tx } from './db.js';
import { nowIso } from './time.js';
import type { Topics } from './topics.js';

export interface Fact {
  /** `<module>.<entity>.<past-tense>`. */
  name: string;
  /** The id of the entity it is about. */
  subject: string;
  data: Record<string, unknown>;
}

/** Who runs a command: a party's principal, or the platform itself (a worker). */
export type Actor = Pick<Principal, 'partyId' | 'actor'> | null;

/** What a command's body and the handlers of its facts get. */
export interface CommandScope {
  tx: Tx;
  dialect: Dialect;
  actor: Actor;
  /** Emits a fact: handlers run before the transaction commits. */
  emit(fact: Fact): void;
  /** Items of a topic this transaction wrote: their outbox rows are written before commit. */
  wrote(topic: string, seqs: number[]): void;
  /** Runs after the commit (never if it rolled back). */
  afterCommit(fn: () => void): void;
}

export type FactHandler = (fact: Fact, scope: CommandScope) => Promise<void>;

/** A fact that leads to facts that lead back to it would never end: a chain is bounded. */
const MAX_FACTS_PER_COMMAND = 10_000;

export class Commands {
  private readonly handlers = new Map<string, FactHandler[]>();

  constructor(private readonly db: Db, private readonly dialect: Dialect, private readonly topics: Topics) {}

  /** Registers a handler of a fact (called from a module's `register`). */
  on(name: string, handler: FactHandler): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  /** Runs a command in a transaction of its own; resolves after commit. */
  async run<T>(actor: Actor, body: (scope: CommandScope) => Promise<T>): Promise<T> {
    const after: (() => void)[] = [];
    const result = await this.db.transaction().execute((tx) => this.within(tx, actor, body, after));
    for (const fn of after) {
      try { fn(); } catch (error) { console.error('after-commit step failed', error); }
    }
    return result;
  }

  /**
   * Runs a command inside a transaction the caller holds (a command that is part of a larger one);
   * `after` collects what runs once the caller has committed.
   */
  async within<T>(tx: Tx, actor: Actor, body: (scope: CommandScope) => Promise<T>, after: (() => void)[]): Promise<T> {
    const pending: Fact[] = [];
    const written = new Map<string, number[]>();
    const scope: CommandScope = {
      tx, dialect: this.dialect, actor,
      emit: (fact) => { pending.push(fact); },
      wrote: (topic, seqs) => { if (seqs.length) written.set(topic, [...(written.get(topic) ?? []), ...seqs]); },
      afterCommit: (fn) => { after.push(fn); },
    };
    const result = await body(scope);
    let handled = 0;
    while (pending.length) {
      const fact = pending.shift()!;
      if (++handled > MAX_FACTS_PER_COMMAND) throw new Error(`a command emitted more than ${MAX_FACTS_PER_COMMAND} facts (a cycle of handlers?)`);
      await tx.insertInto('facts').values({
        name: fact.name, subject: fact.subject, data: JSON.stringify(fact.data), party_id: actor?.partyId ?? null, actor: actor?.actor ?? null, at: nowIso(),
      }).execute();
      for (const handler of this.handlers.get(fact.name) ?? []) await handler(fact, scope);
    }
    for (const [topic, seqs] of written) {
      await this.topics.enqueue(tx, topic, seqs);
      after.push(() => this.topics.committed(topic));
    }
    return result;
  }
}
