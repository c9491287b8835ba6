// Acked and stored delivery for the browser client (docs/client-js.md): automatic batched ACKs,
// duplicates dropped by message id and by inbox seq, stored messages handed over in inbox order,
// SYNC after every connect, on notices and past a gap, and inbox resets.

import { MalformedBodyError, Op, decodeEnvelope, decodeSyncReply, encodeAck, encodeSync } from './frame.js';

/** ACKs are sent this long after their first entry, or at once with this many ids. */
export const ACK_DELAY_MS = 20;
export const ACK_MAX_IDS = 64;
/** How many message ids the client remembers to drop a second delivery. */
export const RECENT_IDS = 4096;

/** Inbox positions in memory: gone with the page. */
export function memoryInboxStore() {
  const positions = new Map();
  return {
    load: (mid) => positions.get(String(mid)) ?? null,
    save: (mid, position) => positions.set(String(mid), { ...position }),
  };
}

/**
 * Inbox positions in {@code storage} (localStorage by default) under {@code prefix + mid}, so a
 * reopened tab syncs after what it already showed. Storage that fails (quota, private mode) is
 * treated as empty.
 */
export function localStorageInboxStore(storage = globalThis.localStorage, prefix = 'herald.inbox.') {
  return {
    load(mid) {
      try {
        const saved = JSON.parse(storage.getItem(prefix + mid) ?? 'null');
        return Number(saved?.epoch) > 0 && Number(saved?.seq) >= 0
          ? { epoch: Number(saved.epoch), seq: Number(saved.seq) }
          : null;
      } catch {
        return null;
      }
    },
    save(mid, position) {
      try {
        storage.setItem(prefix + mid, JSON.stringify({ epoch: position.epoch, seq: position.seq }));
      } catch {
        // a full or unavailable storage: the position lives as long as the page
      }
    },
  };
}

/** The default store: localStorage when the page has it, else memory. */
export function defaultInboxStore() {
  try {
    if (globalThis.localStorage) return localStorageInboxStore(globalThis.localStorage);
  } catch {
    // access to localStorage may throw (sandboxed frames)
  }
  return memoryInboxStore();
}

/** A set of the last {@code capacity} ids added. */
export class RecentIds {
  constructor(capacity = RECENT_IDS) {
    this.capacity = capacity;
    this.ids = new Set();
  }

  /** Remembers {@code id}; false when it was remembered already. */
  add(id) {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value);
    return true;
  }

  get size() {
    return this.ids.size;
  }
}

/**
 * One client's tracked deliveries. The client tells it of connections ({@link connected}, {@link
 * closed}) and op-26/27 frames; it calls back {@code onMessage(op, body, seq, delivery)}, {@code
 * onInboxReset(reset)}, and sends through {@code post(op, bytes)} and {@code request(op, bytes)}.
 */
export class Delivery {
  constructor({ sync, store, timers, retryDelay, onMessage, onInboxReset, onError, post, request }) {
    Object.assign(this, { sync, store, timers, retryDelay, onMessage, onInboxReset, onError, post, request });
    this.ids = new RecentIds();
    this.position = null; // {epoch, seq}: the last stored message handed over
    this.acked = null;
    this.mid = undefined;
    this.live = 0; // the connection's generation; 0 = none
    this.generation = 0;
    this.batch = [];
    this.ackTimer = null;
    this.inFlight = false;
    this.again = false;
    this.failures = 0;
    this.resets = 0;
    this.retryTimer = null;
  }

  /** A connection authenticated as {@code mid}: acks go to it, and it SYNCs. */
  connected(mid) {
    this.live = ++this.generation;
    this.inFlight = false;
    this.again = false;
    this.failures = 0;
    this.resets = 0;
    if (this.mid !== mid) {
      this.mid = mid;
      this.position = this.sync ? this.store.load(mid) : null;
    }
    if (this.position && !same(this.position, this.acked)) this.scheduleAck();
    if (this.sync) this.startSync();
  }

  /** The connection is gone: its ids are dropped (its Comet resends them), timers stop. */
  closed() {
    this.live = 0;
    this.inFlight = false;
    this.again = false;
    this.batch = [];
    this.timers.clearTimeout(this.ackTimer);
    this.timers.clearTimeout(this.retryTimer);
    this.ackTimer = this.retryTimer = null;
  }

  /** An op-26 frame pushed by the server. */
  pushed(frame) {
    let envelope;
    try {
      envelope = decodeEnvelope(frame.body);
    } catch (e) {
      this.onError(e);
      return;
    }
    if (!this.accept(envelope, frame)) this.requestSync();
  }

  /** An op-27 frame: the inbox holds messages up to its seq. */
  notice(notice) {
    if (!this.sync) return;
    const held = this.position;
    if (held && notice.epoch === held.epoch && notice.latestSeq <= held.seq) return;
    this.requestSync();
  }

  /** Acks and hands over one delivery; false for a stored one past the next seq (SYNC fetches it). */
  accept(envelope, frame) {
    const { messageId, epoch, seq, op, ack, body } = envelope;
    const id = messageId !== '0' ? messageId : null;
    if (ack && id) this.ackId(id);
    const delivery = { messageId, inboxEpoch: epoch, inboxSeq: seq };
    if (!this.sync || seq === 0) {
      if (!id || this.ids.add(id)) this.onMessage(op, body, frame.seq, delivery);
      return true;
    }
    const held = this.position;
    if (!held || epoch !== held.epoch || seq > held.seq + 1) return false;
    if (seq <= held.seq) return true; // a duplicate
    if (id) this.ids.add(id);
    this.moveTo({ epoch, seq });
    this.onMessage(op, body, frame.seq, delivery);
    return true;
  }

  moveTo(position) {
    this.position = position;
    this.store.save(this.mid, position);
    if (this.live) this.scheduleAck();
  }

  // ---- ACK ----

  ackId(id) {
    if (!this.live) return;
    this.batch.push(id);
    if (this.batch.length >= ACK_MAX_IDS) this.flushAcks();
    else this.scheduleAck();
  }

  scheduleAck() {
    if (this.ackTimer === null) {
      this.ackTimer = this.timers.setTimeout(() => {
        this.ackTimer = null;
        this.flushAcks();
      }, ACK_DELAY_MS);
    }
  }

  flushAcks() {
    this.timers.clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (!this.live) return;
    const moved = this.sync && this.position && !same(this.position, this.acked);
    if (this.batch.length === 0 && !moved) return;
    const ids = this.batch;
    this.batch = [];
    const position = moved ? this.position : { epoch: 0, seq: 0 };
    if (moved) this.acked = this.position;
    this.post(Op.ACK, encodeAck({ ...position, ids }));
  }

  // ---- SYNC ----

  requestSync() {
    if (!this.sync || !this.live || this.retryTimer !== null) return;
    if (this.inFlight) this.again = true;
    else this.startSync();
  }

  startSync() {
    const live = this.live;
    if (!live) return;
    const held = this.position;
    const request = held ? { epoch: held.epoch, afterSeq: held.seq } : { epoch: 0, afterSeq: 0 };
    this.inFlight = true;
    this.again = false;
    this.request(Op.SYNC, encodeSync(request)).then(
      (reply) => {
        if (live !== this.live) return;
        this.inFlight = false;
        this.replied(request, reply.body);
      },
      (error) => {
        if (live !== this.live) return; // closed: the next connection syncs
        this.inFlight = false;
        this.onError(error);
        this.retryLater();
      },
    );
  }

  replied(request, body) {
    if (body.length === 0) {
      this.retryLater(); // the server could not sync now
      return;
    }
    let reply;
    try {
      reply = decodeSyncReply(body);
    } catch (e) {
      this.onError(e);
      this.retryLater();
      return;
    }
    this.failures = 0;
    if (reply.reset) {
      this.reset(reply);
      return;
    }
    this.resets = 0;
    if (request.epoch === 0 && !this.position && reply.epoch > 0) {
      // A first sync: the inbox begins at its oldest message kept.
      this.moveTo({ epoch: reply.epoch, seq: Math.max(request.afterSeq, reply.oldestSeq - 1) });
    }
    const before = this.position;
    for (const frame of reply.frames) {
      if (frame.op !== Op.MESSAGE) continue;
      try {
        this.accept(decodeEnvelope(frame.body), frame);
      } catch (e) {
        if (!(e instanceof MalformedBodyError)) throw e;
        this.onError(e);
      }
    }
    if (reply.more && same(before, this.position)) this.retryLater(); // more, yet nothing new
    else if (reply.more || this.again) this.startSync();
  }

  reset(reply) {
    const old = this.position;
    const reset = {
      oldEpoch: old?.epoch ?? 0,
      oldSeq: old?.seq ?? 0,
      epoch: reply.epoch,
      oldestSeq: reply.oldestSeq,
      latestSeq: reply.latestSeq,
    };
    if (reply.epoch <= 0 || ++this.resets > 2) {
      this.retryLater();
      return;
    }
    this.moveTo({ epoch: reply.epoch, seq: Math.max(0, reply.oldestSeq - 1) });
    this.onInboxReset(reset);
    this.startSync();
  }

  retryLater() {
    const live = this.live;
    if (!live) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (live === this.live) this.startSync();
    }, this.retryDelay(this.failures++));
  }
}

function same(a, b) {
  return a === b || (a != null && b != null && a.epoch === b.epoch && a.seq === b.seq);
}
