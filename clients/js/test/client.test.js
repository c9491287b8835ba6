import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HeraldClient,
  Op,
  RequestError,
  backoffDelay,
  decodeFrame,
  encodeBatch,
  encodeFrame,
  nodeUrls,
  reconnectTargets,
  text,
} from '../herald-client.js';
import { ManualTimers, fakeWebSockets } from './fakes.js';

function setup(options = {}) {
  const timers = new ManualTimers();
  const { sockets, FakeWebSocket } = fakeWebSockets();
  const events = [];
  const client = new HeraldClient({
    url: 'ws://a:3102/sub',
    auth: { mid: 7, room_id: 'live://1000', accepts: [1000] },
    WebSocket: FakeWebSocket,
    timers,
    random: () => 0.5, // no jitter
    onOpen: (info) => events.push(['open', info]),
    onClose: (e) => events.push(['close', e]),
    onMessage: (op, body, seq) => events.push(['message', op, text(body), seq]),
    onOnline: (count) => events.push(['online', count]),
    ...options,
  });
  return { client, timers, sockets, events };
}

const int32 = (n) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};

function authenticate({ client, sockets }, version = 1, body) {
  client.connect();
  const ws = sockets.at(-1);
  ws.open();
  const auth = ws.sent.at(-1);
  ws.deliver(encodeFrame({ op: Op.AUTH_REPLY, seq: auth.seq, body, version }));
  return ws;
}

test('authenticates with goim JSON, then heartbeats and reports the online count', () => {
  const t = setup();
  t.client.connect();
  const ws = t.sockets[0];
  assert.equal(ws.binaryType, 'arraybuffer');
  ws.open();
  const auth = ws.sent[0];
  assert.equal(auth.op, Op.AUTH);
  assert.equal(auth.version, 1);
  assert.deepEqual(JSON.parse(text(auth.body)), {
    mid: 7,
    key: '',
    room_id: 'live://1000',
    platform: 'web',
    accepts: [1000],
  });
  ws.deliver(encodeFrame({ op: Op.AUTH_REPLY, seq: auth.seq }));
  assert.equal(t.client.connected, true);
  assert.equal(t.events[0][0], 'open');
  assert.equal(t.events[0][1].heartbeatMs, 30_000);

  const beat = ws.sent[1];
  assert.equal(beat.op, Op.HEARTBEAT);
  ws.deliver(encodeFrame({ op: Op.HEARTBEAT_REPLY, seq: beat.seq, body: int32(12) }));
  assert.deepEqual(t.events.at(-1), ['online', 12]);

  t.timers.advance(30_000);
  assert.equal(ws.sent.at(-1).op, Op.HEARTBEAT);
  assert.equal(ws.sent.length, 3);
});

test('speaks version 2 and takes the key and a shorter heartbeat from AUTH_REPLY', () => {
  const t = setup({ version: 2 });
  const ws = authenticate(t, 2, JSON.stringify({ mid: 7, key: 'k-1', heartbeat_ms: 10_000 }));
  assert.ok(ws.sent.every((f) => f.version === 2));
  assert.equal(t.client.auth.key, 'k-1');
  assert.equal(t.events[0][1].heartbeatMs, 10_000);
});

test('delivers pushes, and each frame of an op-9 batch, to onMessage', () => {
  const t = setup();
  const ws = authenticate(t);
  ws.deliver(encodeFrame({ op: 1000, body: 'one' }));
  ws.deliver(encodeBatch([{ op: 1000, body: 'two' }, { op: 1001, body: 'three', seq: 5 }]));
  assert.deepEqual(t.events.filter((e) => e[0] === 'message'), [
    ['message', 1000, 'one', 0],
    ['message', 1000, 'two', 0],
    ['message', 1001, 'three', 5],
  ]);
});

test('matches replies to requests by seq', async () => {
  const t = setup();
  const ws = authenticate(t);
  const first = t.client.send('a');
  const second = t.client.joinRoom('live://2000');
  const [sendFrame, joinFrame] = ws.sent.slice(-2);
  assert.equal(sendFrame.op, Op.SEND_MSG);
  assert.equal(joinFrame.op, Op.JOIN_ROOM);
  assert.notEqual(sendFrame.seq, joinFrame.seq);
  ws.deliver(encodeFrame({ op: Op.JOIN_ROOM_REPLY, seq: joinFrame.seq, body: 'live://2000' }));
  ws.deliver(encodeFrame({ op: Op.SEND_MSG_REPLY, seq: sendFrame.seq }));
  assert.equal((await first).op, Op.SEND_MSG_REPLY);
  assert.equal(text((await second).body), 'live://2000');
  assert.deepEqual([...t.client.rooms], ['live://2000']);
});

test('a request times out, and fails when not connected', async () => {
  const t = setup({ requestTimeoutMs: 500 });
  await assert.rejects(t.client.send('x'), RequestError);
  authenticate(t);
  const pending = t.client.send('x');
  t.timers.advance(500);
  await assert.rejects(pending, /no reply to op 4/);
});

test('reconnects with exponential backoff, re-authenticates and rejoins rooms', async () => {
  const t = setup({ url: ['ws://a:3102/sub', 'ws://b:3102/sub'] });
  let ws = authenticate(t);
  const join = t.client.joinRoom('live://2000');
  ws.deliver(encodeFrame({ op: Op.JOIN_ROOM_REPLY, seq: ws.sent.at(-1).seq, body: 'live://2000' }));
  await join;
  const pending = t.client.send('lost');

  ws.drop();
  await assert.rejects(pending, RequestError);
  assert.deepEqual(t.events.at(-1), ['close', { code: 1006, reason: '', wasOpen: true, reconnectInMs: 1000 }]);
  t.timers.advance(999);
  assert.equal(t.sockets.length, 1);
  t.timers.advance(1);
  assert.equal(t.sockets[1].url, 'ws://b:3102/sub');
  t.sockets[1].drop(); // refused before open
  assert.equal(t.events.at(-1)[1].reconnectInMs, 2000);
  t.timers.advance(2000);
  assert.equal(t.sockets[2].url, 'ws://a:3102/sub');

  ws = t.sockets[2];
  ws.open();
  assert.equal(ws.sent[0].op, Op.AUTH);
  ws.deliver(encodeFrame({ op: Op.AUTH_REPLY, seq: ws.sent[0].seq }));
  assert.deepEqual(ws.sent.map((f) => f.op), [Op.AUTH, Op.HEARTBEAT, Op.JOIN_ROOM]);
  assert.equal(text(ws.sent[2].body), 'live://2000');

  ws.drop();
  assert.equal(t.events.at(-1)[1].reconnectInMs, 1000, 'backoff restarts after a successful auth');
});

test('backoff grows by the factor, stops at the cap and spreads by the jitter', () => {
  const b = { baseDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.2 };
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, b, () => 0.5)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffDelay(2, b, () => 0), 320);
  assert.equal(backoffDelay(2, b, () => 1), 480);
});

test('RECONNECT moves to the hinted node at once', () => {
  const t = setup();
  const ws = authenticate(t);
  ws.deliver(encodeFrame({ op: Op.RECONNECT, body: '{"reason":"draining","nodes":["c:4102","d:4102"]}' }));
  assert.equal(ws.closed.code, 1000);
  assert.deepEqual(t.events.at(-1), ['close', { code: 1000, reason: 'reconnect: draining', wasOpen: true, reconnectInMs: 0 }]);
  t.timers.advance(0);
  assert.equal(t.sockets[1].url, 'ws://c:4102/sub');
  t.sockets[1].drop();
  t.timers.advance(1000);
  assert.equal(t.sockets[2].url, 'ws://d:4102/sub');
  t.sockets[2].drop();
  t.timers.advance(2000);
  assert.equal(t.sockets[3].url, 'ws://a:3102/sub', 'then back to the configured list');
});

test('reconnectTargets keeps scheme and path and tolerates junk', () => {
  assert.deepEqual(reconnectTargets('{"reason":"draining","nodes":["h:1"]}', 'wss://x:3103/sub?x=1'), {
    reason: 'draining',
    urls: ['wss://h:1/sub?x=1'],
  });
  assert.deepEqual(reconnectTargets('not json', 'ws://x/sub'), { reason: '', urls: [] });
});

test('an unanswered heartbeat drops the link and reconnects', () => {
  const t = setup();
  const ws = authenticate(t);
  t.timers.advance(30_000);
  assert.equal(ws.closed.code, 4000);
  assert.equal(t.events.at(-1)[1].reason, 'heartbeat timeout');
  t.timers.advance(1000);
  assert.equal(t.sockets.length, 2);
});

test('a v2 DISCONNECT_REPLY reason is reported on close', () => {
  const t = setup({ version: 2 });
  t.client.connect();
  const ws = t.sockets[0];
  ws.open();
  ws.deliver(encodeFrame({ op: Op.DISCONNECT_REPLY, body: 'token: missing', version: 2 }));
  ws.drop(1000);
  assert.equal(t.events.at(-1)[1].reason, 'token: missing');
  assert.equal(t.events.at(-1)[1].wasOpen, false);
});

test('a protocol error closes the socket and reconnects', () => {
  const errors = [];
  const t = setup({ version: 2, onError: (e) => errors.push(e) });
  const ws = authenticate(t, 2);
  const bad = encodeFrame({ op: 1000, body: 'x', version: 2 });
  bad[bad.length - 1] ^= 1;
  ws.deliver(bad);
  assert.equal(errors[0].error, 'bad_checksum');
  assert.equal(ws.closed.code, 4002);
  assert.equal(t.events.at(-1)[1].reconnectInMs, 1000);
});

test('close() stops for good', () => {
  const t = setup();
  const ws = authenticate(t);
  t.client.close();
  assert.equal(ws.closed.code, 1000);
  assert.equal(t.events.at(-1)[1].reconnectInMs, -1);
  t.timers.advance(120_000);
  assert.equal(t.sockets.length, 1);
  assert.equal(t.client.connected, false);
});

test('no AUTH_REPLY in time drops and retries', () => {
  const t = setup({ authTimeoutMs: 5000 });
  t.client.connect();
  t.sockets[0].open();
  t.timers.advance(5000);
  assert.equal(t.sockets[0].closed.code, 4008);
  t.timers.advance(1000);
  assert.equal(t.sockets.length, 2);
});

test('nodeUrls turns a goim node list into WebSocket URLs, none for a port of 0', () => {
  const answer = {
    code: 0,
    message: '',
    data: {
      domain: '',
      tcp_port: 3101,
      ws_port: 3102,
      wss_port: 0,
      heartbeat: 240,
      heartbeat_max: 2,
      nodes: ['10.0.0.5', 'comet-b.example', '2001:db8::1'],
      backoff: { max_delay: 120, base_delay: 3, factor: 1.6, jitter: 0.2 },
    },
  };
  assert.deepEqual(nodeUrls(answer), [
    'ws://10.0.0.5:3102/sub',
    'ws://comet-b.example:3102/sub',
    'ws://[2001:db8::1]:3102/sub',
  ]);
  assert.deepEqual(nodeUrls(answer.data, { path: '/ws' })[0], 'ws://10.0.0.5:3102/ws');
  // WSS is off on these Comets: no wss:// URL rather than one nothing listens on.
  assert.deepEqual(nodeUrls(answer, { secure: true }), []);
  assert.deepEqual(nodeUrls({ data: { ...answer.data, wss_port: 3103 } }, { secure: true })[0], 'wss://10.0.0.5:3103/sub');
  assert.deepEqual(nodeUrls({ code: -500, message: 'down' }), []);
  assert.deepEqual(nodeUrls(undefined), []);
});
