import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HeraldClient,
  Op,
  RecentIds,
  decodeEnvelope,
  decodeSyncReply,
  encodeEnvelope,
  encodeFrame,
  encodeSyncReply,
  localStorageInboxStore,
  memoryInboxStore,
  text,
} from '../herald-client.js';
import { ManualTimers, fakeWebSockets } from './fakes.js';

const EPOCH = 1_700_000_000_000;
const MID = 77;
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** One user's inbox as Logic keeps it, answering SYNC by the delivery design's reset rule. */
class FakeInbox {
  constructor(epoch = EPOCH) {
    this.epoch = epoch;
    this.log = new Map(); // seq → {messageId, seq, op, body}
    this.latest = 0;
    this.nextId = 9_000_000_000_000_000_000n;
    this.limit = 100;
    this.unavailable = 0;
  }
  append(body) {
    const m = { messageId: String(this.nextId++), seq: ++this.latest, op: 1000, body };
    this.log.set(m.seq, m);
    return m;
  }
  trimBelow(oldest) {
    for (const seq of [...this.log.keys()]) if (seq < oldest) this.log.delete(seq);
  }
  oldest() {
    return this.log.size === 0 ? (this.latest === 0 ? 0 : this.latest + 1) : Math.min(...this.log.keys());
  }
  answer(epoch, afterSeq) {
    if (this.unavailable > 0) {
      this.unavailable--;
      return new Uint8Array(0);
    }
    const oldest = this.oldest();
    const head = { epoch: this.epoch, oldestSeq: oldest, latestSeq: this.latest };
    if (epoch !== 0 && (epoch !== this.epoch || afterSeq > this.latest || afterSeq + 1 < oldest)) {
      return encodeSyncReply({ ...head, reset: true });
    }
    const after = [...this.log.values()].filter((m) => m.seq > afterSeq).sort((a, b) => a.seq - b.seq);
    const messages = after.slice(0, this.limit).map((m) => ({ ...m, epoch: this.epoch }));
    return encodeSyncReply({ ...head, more: after.length > this.limit, messages });
  }
}

function syncBody(frame) {
  const view = new DataView(frame.body.buffer, frame.body.byteOffset, frame.body.length);
  return { epoch: Number(view.getBigInt64(0)), afterSeq: Number(view.getBigInt64(8)) };
}

function ackBody(frame) {
  const view = new DataView(frame.body.buffer, frame.body.byteOffset, frame.body.length);
  const ids = [];
  for (let at = 16; at < frame.body.length; at += 8) ids.push(view.getBigInt64(at).toString());
  return { epoch: Number(view.getBigInt64(0)), seq: Number(view.getBigInt64(8)), ids };
}

function setup(options = {}) {
  const timers = new ManualTimers();
  const { sockets, FakeWebSocket } = fakeWebSockets();
  const inbox = new FakeInbox();
  const store = options.inboxStore ?? memoryInboxStore();
  const messages = [];
  const resets = [];
  const client = new HeraldClient({
    url: 'ws://a:3102/sub',
    version: 2,
    auth: { mid: MID },
    WebSocket: FakeWebSocket,
    timers,
    random: () => 0.5,
    inboxStore: store,
    onMessage: (op, body, seq, delivery) => messages.push({ op, text: text(body), ...delivery }),
    onInboxReset: (reset) => resets.push(reset),
    ...options,
  });
  const t = { client, timers, sockets, inbox, store, messages, resets, answered: new Set() };
  /** The SYNCs sent on the current socket. */
  t.syncs = () => t.ws.sent.filter((f) => f.op === Op.SYNC).map(syncBody);
  t.acks = () => t.sockets.flatMap((ws) => ws.sent.filter((f) => f.op === Op.ACK).map(ackBody));
  t.texts = () => messages.map((m) => m.text);
  /** Answers every SYNC not answered yet, until none is left. */
  t.serve = async () => {
    for (let round = 0; round < 20; round++) {
      await settle();
      const open = t.ws.sent.filter((f) => f.op === Op.SYNC && !t.answered.has(f));
      if (open.length === 0) return;
      for (const f of open) {
        t.answered.add(f);
        const { epoch, afterSeq } = syncBody(f);
        t.ws.deliver(encodeFrame({ op: Op.SYNC_REPLY, seq: f.seq, body: inbox.answer(epoch, afterSeq), version: 2 }));
      }
    }
  };
  t.push = (m, ack = false) =>
    t.ws.deliver(encodeFrame({ op: Op.MESSAGE, body: encodeEnvelope({ ...m, ack }), version: 2 }));
  t.pushStored = (seq, ack = false) => t.push({ ...inbox.log.get(seq), epoch: inbox.epoch }, ack);
  t.connect = async () => {
    if (client.state === 'idle') client.connect();
    t.ws = sockets.at(-1);
    t.ws.open();
    const auth = t.ws.sent.at(-1);
    t.ws.deliver(encodeFrame({ op: Op.AUTH_REPLY, seq: auth.seq, body: `{"mid":${MID},"key":"k"}`, version: 2 }));
    await t.serve();
  };
  return t;
}

test('acks the ids that ask and the position after stored messages, batched', async () => {
  const t = setup();
  await t.connect();
  t.inbox.append('m1');
  t.inbox.append('m2');
  t.push({ messageId: '501', op: 1000, body: 'acked' }, true);
  t.push({ messageId: '502', op: 1000, body: 'no ack asked' });
  t.pushStored(1, true);
  t.pushStored(2);
  assert.deepEqual(t.acks(), [], 'not before the batch delay');
  t.timers.advance(20);
  assert.deepEqual(t.acks(), [{ epoch: EPOCH, seq: 2, ids: ['501', t.inbox.log.get(1).messageId] }]);
  assert.deepEqual(t.texts(), ['acked', 'no ack asked', 'm1', 'm2']);
  assert.deepEqual(t.messages[2], {
    op: 1000,
    text: 'm1',
    messageId: t.inbox.log.get(1).messageId,
    inboxEpoch: EPOCH,
    inboxSeq: 1,
  });
  assert.deepEqual(t.client.inboxPosition, { epoch: EPOCH, seq: 2 });
  assert.deepEqual(t.store.load(MID), { epoch: EPOCH, seq: 2 });
});

test('64 ids are acked at once', async () => {
  const t = setup();
  await t.connect();
  for (let i = 1; i <= 64; i++) t.push({ messageId: String(i), op: 1000, body: `p${i}` }, true);
  assert.equal(t.acks().length, 1);
  assert.equal(t.acks()[0].ids.length, 64);
});

test('a second delivery of an id is dropped but acked again', async () => {
  const t = setup();
  await t.connect();
  t.push({ messageId: '601', op: 1000, body: 'once' }, true);
  t.push({ messageId: '601', op: 1000, body: 'once' }, true);
  t.push({ messageId: '602', op: 1000, body: 'after' }, true);
  t.timers.advance(20);
  assert.deepEqual(t.texts(), ['once', 'after']);
  assert.deepEqual(t.acks()[0].ids, ['601', '601', '602']);
});

test('a stored message past a gap starts a SYNC that delivers in order; late pushes are dropped', async () => {
  const t = setup();
  await t.connect();
  for (let i = 1; i <= 3; i++) t.inbox.append(`m${i}`);
  t.pushStored(3);
  assert.deepEqual(t.texts(), [], 'not out of order');
  await t.serve();
  assert.deepEqual(t.texts(), ['m1', 'm2', 'm3']);
  assert.deepEqual(t.syncs(), [{ epoch: 0, afterSeq: 0 }, { epoch: EPOCH, afterSeq: 0 }]);
  t.pushStored(2);
  t.pushStored(3);
  assert.deepEqual(t.texts(), ['m1', 'm2', 'm3'], 'the same seq pushed after the sync');
});

test('a notice of newer messages starts a SYNC; one of nothing newer does not', async () => {
  const t = setup();
  await t.connect();
  t.inbox.append('m1');
  t.ws.deliver(encodeFrame({ op: Op.INBOX_NOTICE, body: notice(EPOCH, 1), version: 2 }));
  await t.serve();
  assert.deepEqual(t.texts(), ['m1']);
  t.ws.deliver(encodeFrame({ op: Op.INBOX_NOTICE, body: notice(EPOCH, 1), version: 2 }));
  await settle();
  assert.equal(t.syncs().length, 2);
});

function notice(epoch, seq) {
  const b = new Uint8Array(16);
  const view = new DataView(b.buffer);
  view.setBigInt64(0, BigInt(epoch));
  view.setBigInt64(8, BigInt(seq));
  return b;
}

test('every connect SYNCs from the stored position', async () => {
  const store = memoryInboxStore();
  store.save(MID, { epoch: EPOCH, seq: 5 });
  const t = setup({ inboxStore: store });
  for (let i = 1; i <= 7; i++) t.inbox.append(`m${i}`);
  await t.connect();
  assert.deepEqual(t.syncs()[0], { epoch: EPOCH, afterSeq: 5 });
  assert.deepEqual(t.texts(), ['m6', 'm7']);

  t.inbox.append('m8'); // while the page is away
  t.ws.drop();
  t.timers.advance(1_000); // the reconnect backoff
  await t.connect();
  assert.deepEqual(t.syncs(), [{ epoch: EPOCH, afterSeq: 7 }]);
  assert.deepEqual(t.texts(), ['m6', 'm7', 'm8']);
  assert.deepEqual(store.load(MID), { epoch: EPOCH, seq: 8 });
});

test('syncs again while the reply says more', async () => {
  const t = setup();
  t.inbox.limit = 2;
  for (let i = 1; i <= 5; i++) t.inbox.append(`m${i}`);
  await t.connect();
  assert.deepEqual(t.texts(), ['m1', 'm2', 'm3', 'm4', 'm5']);
  assert.deepEqual(t.syncs(), [
    { epoch: 0, afterSeq: 0 },
    { epoch: EPOCH, afterSeq: 2 },
    { epoch: EPOCH, afterSeq: 4 },
  ]);
});

test('a reset is reported as inboxReset and the client continues from the oldest kept', async () => {
  const store = memoryInboxStore();
  store.save(MID, { epoch: EPOCH - 1, seq: 40 });
  const t = setup({ inboxStore: store });
  t.inbox.append('m1');
  t.inbox.append('m2');
  await t.connect();
  assert.deepEqual(t.resets, [{ oldEpoch: EPOCH - 1, oldSeq: 40, epoch: EPOCH, oldestSeq: 1, latestSeq: 2 }]);
  assert.deepEqual(t.texts(), ['m1', 'm2']);
  assert.deepEqual(t.client.inboxPosition, { epoch: EPOCH, seq: 2 });
});

test('a reset after trimming skips to the oldest kept', async () => {
  const store = memoryInboxStore();
  store.save(MID, { epoch: EPOCH, seq: 2 });
  const t = setup({ inboxStore: store });
  for (let i = 1; i <= 6; i++) t.inbox.append(`m${i}`);
  t.inbox.trimBelow(5);
  await t.connect();
  assert.deepEqual(t.resets, [{ oldEpoch: EPOCH, oldSeq: 2, epoch: EPOCH, oldestSeq: 5, latestSeq: 6 }]);
  assert.deepEqual(t.texts(), ['m5', 'm6']);
});

test('an empty reply is retried after the backoff', async () => {
  const t = setup();
  t.inbox.append('m1');
  t.inbox.unavailable = 2;
  await t.connect();
  assert.deepEqual(t.texts(), []);
  assert.equal(t.syncs().length, 1);
  t.timers.advance(1_000); // backoff(0): the base delay
  await t.serve();
  assert.equal(t.syncs().length, 2);
  t.timers.advance(2_000); // backoff(1)
  await t.serve();
  assert.equal(t.syncs().length, 3);
  assert.deepEqual(t.texts(), ['m1']);
  assert.deepEqual(t.resets, []);
});

test('the default kind of store keeps positions in storage keyed by mid', () => {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
  const store = localStorageInboxStore(storage);
  assert.equal(store.load(5), null);
  store.save(5, { epoch: EPOCH, seq: 3 });
  assert.deepEqual(store.load(5), { epoch: EPOCH, seq: 3 });
  assert.equal(items.get('herald.inbox.5'), JSON.stringify({ epoch: EPOCH, seq: 3 }));
  assert.equal(store.load(6), null);
  const broken = localStorageInboxStore({ getItem: () => '{bad', setItem: () => { throw new Error('quota'); } });
  assert.equal(broken.load(5), null);
  broken.save(5, { epoch: EPOCH, seq: 1 }); // does not throw
});

test('version 1 never syncs nor acks, and refuses sync: true', async () => {
  const timers = new ManualTimers();
  const { sockets, FakeWebSocket } = fakeWebSockets();
  const client = new HeraldClient({ url: 'ws://a/sub', auth: { mid: 1 }, WebSocket: FakeWebSocket, timers });
  client.connect();
  sockets[0].open();
  sockets[0].deliver(encodeFrame({ op: Op.AUTH_REPLY, seq: sockets[0].sent[0].seq }));
  await settle();
  timers.advance(100);
  assert.deepEqual(sockets[0].sent.map((f) => f.op), [Op.AUTH, Op.HEARTBEAT]);
  assert.equal(client.inboxPosition, null);
  assert.throws(() => new HeraldClient({ url: 'ws://a/sub', version: 1, sync: true }), /sync: true with version 1/);
});

test('remembered ids are bounded', () => {
  const ids = new RecentIds(4096);
  for (let i = 1; i <= 10_000; i++) ids.add(String(i));
  assert.equal(ids.size, 4096);
  assert.equal(ids.add('1'), true, 'the oldest were forgotten');
  assert.equal(ids.add('10000'), false);
});

test('delivery bodies round-trip, message ids past 2^53 intact', () => {
  const id = '9007199254740993123';
  const e = decodeEnvelope(encodeEnvelope({ messageId: id, epoch: EPOCH, seq: 4, op: 1001, ack: true, body: 'x' }));
  assert.deepEqual({ ...e, body: text(e.body) }, { messageId: id, epoch: EPOCH, seq: 4, op: 1001, ack: true, body: 'x' });
  const r = decodeSyncReply(encodeSyncReply({ epoch: EPOCH, oldestSeq: 1, latestSeq: 9, more: true, messages: [{ messageId: id, epoch: EPOCH, seq: 1, op: 1000, body: 'y' }] }));
  assert.equal(r.more, true);
  assert.equal(r.reset, false);
  assert.equal(r.frames.length, 1);
  assert.equal(decodeEnvelope(r.frames[0].body).messageId, id);
});
