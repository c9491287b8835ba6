import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChatError,
  ChatStatus,
  HeraldClient,
  MalformedBodyError,
  Op,
  conversation,
  decodeChatError,
  decodeChatHistory,
  decodeChatHistoryReply,
  decodeChatList,
  decodeChatListReply,
  decodeChatMessage,
  decodeChatNotice,
  decodeChatRead,
  decodeChatReadReply,
  decodeChatReceipt,
  decodeChatSend,
  decodeChatSendReply,
  encodeChatError,
  encodeChatHistory,
  encodeChatHistoryReply,
  encodeChatList,
  encodeChatListReply,
  encodeChatMessage,
  encodeChatNotice,
  encodeChatRead,
  encodeChatReadReply,
  encodeChatReceipt,
  encodeChatSend,
  encodeChatSendReply,
  encodeEnvelope,
  encodeFrame,
  encodeSyncReply,
  randomClientMsgId,
  text,
} from '../herald-client.js';
import { ManualTimers, fakeWebSockets } from './fakes.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'));
const utf8 = (s) => new TextEncoder().encode(s);
const settle = () => new Promise((resolve) => setImmediate(resolve));

// ---- byte-exact vectors: printed by io.herald.wire.chat's classes (ByteBufUtil.hexDump) ----

// new ChatMessage(9007199254740993L, USER, 2, 1, 3, 1700000000123L, 77, 1, "hi")
const MESSAGE = {
  messageId: '9007199254740993', // 2^53 + 1: not a safe number
  kind: 'user',
  to: '2',
  from: '1',
  seq: 3,
  sentUnixMs: 1700000000123,
  clientMsgId: '77',
  contentType: 1,
  content: utf8('hi'),
};
const MESSAGE_HEX =
  '0020000000000001010000000000000002000000000000000100000000000000030000018bcfe5687b000000000000004d000000016869';
// new ChatMessage(-1L, GROUP, 555, 0, 1, 1700000000456L, -1L, 2, new byte[0])
const SYSTEM = {
  messageId: '-1',
  kind: 'group',
  to: '555',
  from: '0',
  seq: 1,
  sentUnixMs: 1700000000456,
  clientMsgId: '-1',
  contentType: 2,
  content: new Uint8Array(0),
};
const SYSTEM_HEX = 'ffffffffffffffff02000000000000022b000000000000000000000000000000010000018bcfe569c8ffffffffffffffff00000002';

test('requests encode and decode as the Java wire classes do', () => {
  // new ChatSend(Conversation.user(2), 77, 1, "hi".getBytes())
  const send = { conversation: { kind: 'user', id: '2' }, clientMsgId: '77', contentType: 1, content: utf8('hi') };
  assert.equal(hex(encodeChatSend(send)), '010000000000000002000000000000004d000000016869');
  assert.deepEqual(decodeChatSend(unhex('010000000000000002000000000000004d000000016869')), send);
  // new ChatSend(Conversation.group(-8070450532247928832L), -2L, 7, "héllo")
  const group = encodeChatSend({ conversation: 'group:-8070450532247928832', clientMsgId: -2n, contentType: 7, content: 'héllo' });
  assert.equal(hex(group), '029000000000000000fffffffffffffffe0000000768c3a96c6c6f');
  assert.equal(decodeChatSend(group).clientMsgId, '-2');
  // new ChatList(1700000000000L, 20)
  assert.equal(hex(encodeChatList({ beforeUnixMs: 1700000000000, limit: 20 })), '0000018bcfe5680000000014');
  assert.deepEqual(decodeChatList(unhex('0000018bcfe5680000000014')), { beforeUnixMs: 1700000000000, limit: 20 });
  // new ChatHistory(Conversation.group(555), 10, 0, 50)
  const history = { conversation: { kind: 'group', id: '555' }, afterSeq: 10, beforeSeq: 0, limit: 50 };
  assert.equal(hex(encodeChatHistory(history)), '02000000000000022b000000000000000a000000000000000000000032');
  assert.deepEqual(decodeChatHistory(encodeChatHistory(history)), history);
  // new ChatRead(Conversation.user(2), 3)
  assert.equal(hex(encodeChatRead({ conversation: 'user:2', seq: 3 })), '0100000000000000020000000000000003');
  assert.deepEqual(decodeChatRead(unhex('0100000000000000020000000000000003')), { conversation: { kind: 'user', id: '2' }, seq: 3 });
});

test('replies and deliveries encode and decode as the Java wire classes do', () => {
  assert.equal(hex(encodeChatMessage(MESSAGE)), MESSAGE_HEX);
  assert.deepEqual(decodeChatMessage(unhex(MESSAGE_HEX)), MESSAGE);
  assert.equal(hex(encodeChatMessage(SYSTEM)), SYSTEM_HEX);
  assert.deepEqual(decodeChatMessage(unhex(SYSTEM_HEX)), SYSTEM);

  // new ChatSendReply(1234567890123456789L, 5, 1700000000000L, true)
  const sendReply = { messageId: '1234567890123456789', seq: 5, sentUnixMs: 1700000000000, duplicate: true };
  assert.equal(hex(encodeChatSendReply(sendReply)), '0000112210f47de9811500000000000000050000018bcfe5680001');
  assert.deepEqual(decodeChatSendReply(unhex('0000112210f47de9811500000000000000050000018bcfe5680001')), sendReply);

  // new ChatListReply(true, [summary(user 2, WRITE, 3, 1, 2, 1700000000123, MESSAGE), summary(group 555, READ, 0, 0, 0, 0, null)])
  const listHex =
    '000001000000020100000000000000020000000000000000030000000000000001000000020000018bcfe5687b00000037' +
    MESSAGE_HEX +
    '02000000000000022b010000000000000000000000000000000000000000000000000000000000000000';
  const list = {
    more: true,
    conversations: [
      { conversation: { kind: 'user', id: '2' }, mode: 'write', lastSeq: 3, readSeq: 1, unread: 2, updatedUnixMs: 1700000000123, lastMessage: MESSAGE },
      { conversation: { kind: 'group', id: '555' }, mode: 'read', lastSeq: 0, readSeq: 0, unread: 0, updatedUnixMs: 0, lastMessage: null },
    ],
  };
  assert.equal(hex(encodeChatListReply(list)), listHex);
  assert.deepEqual(decodeChatListReply(unhex(listHex)), list);

  // new ChatHistoryReply(false, 3, [MESSAGE, SYSTEM])
  const historyHex = '00000000000000000000030000000200000037' + MESSAGE_HEX + '00000035' + SYSTEM_HEX;
  const history = { more: false, lastSeq: 3, messages: [MESSAGE, SYSTEM] };
  assert.equal(hex(encodeChatHistoryReply(history)), historyHex);
  assert.deepEqual(decodeChatHistoryReply(unhex(historyHex)), history);

  // new ChatReadReply(3, 0)
  assert.equal(hex(encodeChatReadReply({ readSeq: 3, unread: 0 })), '0000000000000000000300000000');
  assert.deepEqual(decodeChatReadReply(unhex('0000000000000000000300000000')), { readSeq: 3, unread: 0 });

  // new ChatReceipt(2, Conversation.user(1), 3)
  const receipt = { reader: '2', to: { kind: 'user', id: '1' }, readSeq: 3 };
  assert.equal(hex(encodeChatReceipt(receipt)), '00000000000000020100000000000000010000000000000003');
  assert.deepEqual(decodeChatReceipt(unhex('00000000000000020100000000000000010000000000000003')), receipt);

  // new ChatNotice(Conversation.group(555), 42, REMOVED)
  const notice = { conversation: { kind: 'group', id: '555' }, seq: 42, event: 'removed' };
  assert.equal(hex(encodeChatNotice(notice)), '02000000000000022b000000000000002a02');
  assert.deepEqual(decodeChatNotice(unhex('02000000000000022b000000000000002a02')), notice);
});

test('a status other than OK reads as a ChatError with the server message', () => {
  // new ChatError(ChatStatus.RATE_LIMITED, "retry in 50 ms — é")
  const errorHex = '00040015726574727920696e203530206d7320e2809420c3a9';
  assert.equal(hex(encodeChatError(ChatStatus.RATE_LIMITED, 'retry in 50 ms — é')), errorHex);
  const error = decodeChatError(unhex(errorHex));
  assert.ok(error instanceof ChatError);
  assert.equal(error.status, ChatStatus.RATE_LIMITED);
  assert.equal(error.statusName, 'RATE_LIMITED');
  assert.equal(error.serverMessage, 'retry in 50 ms — é');
  assert.equal(error.retryable, true);
  assert.equal(decodeChatError(encodeChatReadReply({ readSeq: 1, unread: 0 })), null);
  for (const decode of [decodeChatSendReply, decodeChatListReply, decodeChatHistoryReply, decodeChatReadReply]) {
    assert.throws(() => decode(encodeChatError(ChatStatus.NOT_MEMBER, 'not in group 9')), (e) => e instanceof ChatError && e.status === ChatStatus.NOT_MEMBER && e.serverMessage === 'not in group 9');
  }
  // An unknown status reads as UNAVAILABLE, as the server's ChatStatus.of does.
  assert.equal(decodeChatError(unhex('00630000')).statusName, 'UNAVAILABLE');
});

test('bodies without their layout are MalformedBodyError', () => {
  const malformed = (f) => assert.throws(f, MalformedBodyError);
  malformed(() => decodeChatMessage(unhex(MESSAGE_HEX).subarray(0, 52)));
  malformed(() => decodeChatMessage(unhex(MESSAGE_HEX.replace(/^(.{16})01/, '$103'))));
  malformed(() => decodeChatSend(unhex('010000000000000002000000000000000000000001'))); // client_msg_id 0
  malformed(() => decodeChatNotice(unhex('02000000000000022b000000000000002a03'))); // event 3
  malformed(() => decodeChatListReply(unhex('000000ffffffff'))); // count -1
  malformed(() => decodeChatListReply(unhex('00000000000002'))); // count 2, no bytes
  malformed(() => decodeChatHistoryReply(unhex('0000000000000000000000030000000100000099'))); // record past the end
  malformed(() => decodeChatReceipt(new Uint8Array(24)));
  assert.throws(() => encodeChatSend({ conversation: 'user:2', clientMsgId: 0, content: 'x' }), RangeError);
  assert.throws(() => conversation('room:1'), TypeError);
});

test('random client ids are non-zero signed 64-bit decimals', () => {
  const ids = new Set();
  for (let i = 0; i < 200; i++) {
    const id = randomClientMsgId();
    assert.match(id, /^-?\d+$/);
    assert.notEqual(id, '0');
    assert.equal(BigInt.asIntN(64, BigInt(id)).toString(), id);
    ids.add(id);
  }
  assert.equal(ids.size, 200);
  let calls = 0;
  const zeroFirst = { getRandomValues: (a) => (a[0] = calls++ === 0 ? 0n : 2n ** 64n - 1n) };
  assert.equal(randomClientMsgId(zeroFirst), '-1');
});

// ---- the chat API against a fake Comet ----

const ME = 1;
const PEER = 2;

function setup(options = {}) {
  const timers = new ManualTimers();
  const { sockets, FakeWebSocket } = fakeWebSockets();
  const t = { timers, sockets, messages: [], receipts: [], updates: [], notices: [], errors: [], plain: [], syncMessages: [] };
  t.client = new HeraldClient({
    url: 'ws://a:3102/sub',
    version: 2,
    auth: { mid: ME },
    WebSocket: FakeWebSocket,
    timers,
    random: () => 0.5,
    inboxStore: { load: () => null, save: () => {} },
    onMessage: (op, body) => t.plain.push([op, text(body)]),
    onError: (e) => t.errors.push(e),
    ...options,
  });
  const chat = t.client.chat;
  chat.onMessage = (m) => t.messages.push(m);
  chat.onReceipt = (r) => t.receipts.push(r);
  chat.onUpdate = (e) => t.updates.push(e);
  chat.onNotice = (n) => t.notices.push(n);
  t.chat = chat;
  t.connect = async () => {
    if (t.client.state === 'idle') t.client.connect();
    t.ws = sockets.at(-1);
    t.ws.open();
    const auth = t.ws.sent.at(-1);
    t.ws.deliver(encodeFrame({ op: Op.AUTH_REPLY, seq: auth.seq, body: `{"mid":${ME}}`, version: 2 }));
    // The inbox SYNC after connecting: answered with what the test queued (inbox epoch 5).
    const sync = t.ws.sent.filter((f) => f.op === Op.SYNC).at(-1);
    const messages = t.syncMessages.splice(0).map((m, i) => ({ messageId: String(800 + i), epoch: 5, seq: i + 1, op: m.op, body: m.body }));
    t.reply(sync, encodeSyncReply({ epoch: 5, oldestSeq: 1, latestSeq: messages.length, messages }));
    await settle();
  };
  /** The frames of {@code op} sent on the current socket. */
  t.sent = (op) => t.ws.sent.filter((f) => f.op === op);
  t.reply = (frame, body) => t.ws.deliver(encodeFrame({ op: frame.op + 1, seq: frame.seq, body, version: 2 }));
  /** An op-26 MESSAGE (not stored) carrying a chat body of {@code op}. */
  t.push = (op, body, messageId = String(Math.floor(Math.random() * 1e15))) =>
    t.ws.deliver(encodeFrame({ op: Op.MESSAGE, body: encodeEnvelope({ messageId, op, body }), version: 2 }));
  t.notice = (notice) => t.ws.deliver(encodeFrame({ op: Op.CHAT_NOTICE, body: encodeChatNotice(notice), version: 2 }));
  return t;
}

const fromPeer = (seq, body = `m${seq}`, extra = {}) => ({
  messageId: String(1_000_000_000_000_000_000n + BigInt(seq)),
  kind: 'user',
  to: String(ME),
  from: String(PEER),
  seq,
  sentUnixMs: 1_700_000_000_000 + seq,
  clientMsgId: String(seq),
  contentType: 1,
  content: utf8(body),
  ...extra,
});

test('send writes op 28 with a random client id and hands the sent message over once', async () => {
  const t = setup();
  await t.connect();
  const sending = t.chat.send({ kind: 'user', id: PEER }, 1, 'hello');
  const [frame] = t.sent(Op.CHAT_SEND);
  const request = decodeChatSend(frame.body);
  assert.deepEqual(request.conversation, { kind: 'user', id: '2' });
  assert.notEqual(request.clientMsgId, '0');
  assert.equal(text(request.content), 'hello');
  t.reply(frame, encodeChatSendReply({ messageId: '9007199254740993', seq: 1, sentUnixMs: 1_700_000_000_001 }));
  const sent = await sending;
  assert.deepEqual(sent, {
    messageId: '9007199254740993',
    seq: 1,
    sentUnixMs: 1_700_000_000_001,
    duplicate: false,
    clientMsgId: request.clientMsgId,
    conversation: { kind: 'user', id: '2' },
  });
  assert.equal(t.messages.length, 1);
  assert.equal(t.messages[0].source, 'sent');
  assert.equal(t.messages[0].mine, true);
  assert.equal(t.messages[0].from, '1');

  // The copy Logic appends to the sender's own inbox is the same message: not handed over again.
  const copy = { ...fromPeer(1), messageId: '9007199254740993', from: '1', to: '2', clientMsgId: request.clientMsgId };
  t.push(Op.CHAT_MESSAGE, encodeChatMessage(copy));
  assert.equal(t.messages.length, 1);
  assert.deepEqual(t.plain, [], 'chat bodies do not reach the client-level onMessage');
  assert.equal(t.chat.unread('user:2'), 0, 'one’s own message is not unread');
});

test('send retries with the same client id after a timeout, UNAVAILABLE and a reconnect, then gives up', async () => {
  const t = setup({ chatSendAttempts: 4 });
  await t.connect();
  const sending = t.chat.send('user:2', 1, 'again', { clientMsgId: '4242' });
  const ids = () => t.sockets.flatMap((ws) => ws.sent.filter((f) => f.op === Op.CHAT_SEND).map((f) => decodeChatSend(f.body).clientMsgId));
  assert.deepEqual(ids(), ['4242']);

  t.timers.advance(10_000); // no reply: the request times out
  await settle();
  t.timers.advance(1_000); // the backoff of the first retry
  await settle();
  assert.deepEqual(ids(), ['4242', '4242']);

  t.reply(t.sent(Op.CHAT_SEND).at(-1), encodeChatError(ChatStatus.UNAVAILABLE, 'inbox down'));
  await settle();
  t.ws.drop(); // the connection goes while waiting: the retry waits for the next one
  t.timers.advance(2_000);
  await settle();
  assert.deepEqual(ids(), ['4242', '4242']);
  t.timers.advance(1_000); // the client reconnects (its own backoff)
  await t.connect();
  await settle();
  assert.deepEqual(ids(), ['4242', '4242', '4242']);

  t.reply(t.sent(Op.CHAT_SEND).at(-1), encodeChatError(ChatStatus.UNAVAILABLE, 'still down'));
  await settle();
  t.timers.advance(4_000);
  await settle();
  assert.deepEqual(ids(), ['4242', '4242', '4242', '4242']);
  t.reply(t.sent(Op.CHAT_SEND).at(-1), encodeChatError(ChatStatus.UNAVAILABLE, 'down for good'));
  await assert.rejects(sending, (e) => e instanceof ChatError && e.serverMessage === 'down for good');
});

test('a refused send rejects at once, without a retry', async () => {
  const t = setup();
  await t.connect();
  const sending = t.chat.send('group:9', 1, 'hi');
  t.reply(t.sent(Op.CHAT_SEND)[0], encodeChatError(ChatStatus.NOT_MEMBER, 'not a member of group 9'));
  await assert.rejects(sending, (e) => e.status === ChatStatus.NOT_MEMBER);
  t.timers.advance(60_000);
  assert.equal(t.sent(Op.CHAT_SEND).length, 1);
  assert.deepEqual(t.messages, []);
});

test('messages and receipts come through op 26 and SYNC, once, and keep the unread counts', async () => {
  const t = setup();
  // Stored while offline: the SYNC after connecting brings a message and a receipt.
  t.syncMessages.push({ op: Op.CHAT_MESSAGE, body: encodeChatMessage(fromPeer(1)) });
  await t.connect();
  assert.deepEqual(t.messages.map((m) => [text(m.content), m.source, m.mine, m.conversation]), [['m1', 'inbox', false, { kind: 'user', id: '2' }]]);
  assert.equal(t.chat.unread('user:2'), 1);

  t.push(Op.CHAT_MESSAGE, encodeChatMessage(fromPeer(2)));
  t.push(Op.CHAT_MESSAGE, encodeChatMessage(fromPeer(2)), '77'); // the same chat message again
  assert.equal(t.chat.unread({ kind: 'user', id: '2' }), 2);
  assert.equal(t.messages.length, 2);

  // The peer read what this user sent; then this user read on another device.
  t.push(Op.CHAT_RECEIPT, encodeChatReceipt({ reader: '2', to: { kind: 'user', id: '1' }, readSeq: 1 }));
  assert.deepEqual(t.receipts.at(-1), { reader: '2', to: { kind: 'user', id: '1' }, readSeq: 1, conversation: { kind: 'user', id: '2' }, mine: false });
  assert.equal(t.chat.list()[0].peerReadSeq, 1);
  assert.equal(t.chat.unread('user:2'), 2);
  t.push(Op.CHAT_RECEIPT, encodeChatReceipt({ reader: '1', to: { kind: 'user', id: '2' }, readSeq: 1 }));
  assert.equal(t.chat.unread('user:2'), 1);
  t.push(Op.CHAT_RECEIPT, encodeChatReceipt({ reader: '1', to: { kind: 'user', id: '2' }, readSeq: 2 }));
  assert.equal(t.chat.unread('user:2'), 0);
  assert.equal(t.updates.at(-1).unread, 0);
});

test('conversations() takes the server’s counts; markRead clears them', async () => {
  const t = setup();
  await t.connect();
  const listing = t.chat.conversations({ limit: 10 });
  const [list] = t.sent(Op.CHAT_LIST);
  assert.deepEqual(decodeChatList(list.body), { beforeUnixMs: 0, limit: 10 });
  t.reply(list, encodeChatListReply({
    conversations: [{ conversation: { kind: 'user', id: '2' }, mode: 'write', lastSeq: 5, readSeq: 2, unread: 3, updatedUnixMs: 1_700_000_000_005, lastMessage: fromPeer(5) }],
  }));
  const reply = await listing;
  assert.equal(reply.conversations.length, 1);
  assert.equal(t.chat.unread('user:2'), 3);
  // A message the list counted already arrives late by the inbox: not counted twice; a new one is.
  t.push(Op.CHAT_MESSAGE, encodeChatMessage(fromPeer(5)));
  t.push(Op.CHAT_MESSAGE, encodeChatMessage(fromPeer(6)));
  assert.equal(t.chat.unread('user:2'), 4);
  assert.equal(t.chat.list()[0].lastSeq, 6);

  const reading = t.chat.markRead('user:2');
  const [read] = t.sent(Op.CHAT_READ);
  assert.deepEqual(decodeChatRead(read.body), { conversation: { kind: 'user', id: '2' }, seq: 6 });
  t.reply(read, encodeChatReadReply({ readSeq: 6, unread: 0 }));
  assert.deepEqual(await reading, { readSeq: 6, unread: 0 });
  assert.equal(t.chat.unread('user:2'), 0);
  // The receipt of this very read, through the user's own inbox, changes nothing.
  t.push(Op.CHAT_RECEIPT, encodeChatReceipt({ reader: '1', to: { kind: 'user', id: '2' }, readSeq: 6 }));
  assert.equal(t.chat.unread('user:2'), 0);
  t.push(Op.CHAT_MESSAGE, encodeChatMessage(fromPeer(7)));
  assert.equal(t.chat.unread('user:2'), 1);
});

const groupMessage = (seq, from = PEER) => ({ ...fromPeer(seq, `g${seq}`), kind: 'group', to: '555', from: String(from) });

test('a read fan-out group: joins chat://<id>, pulls after the last seq on NEW notices, leaves when removed', async () => {
  const t = setup();
  await t.connect();
  const listing = t.chat.conversations();
  t.reply(t.sent(Op.CHAT_LIST)[0], encodeChatListReply({
    conversations: [{ conversation: { kind: 'group', id: '555' }, mode: 'read', lastSeq: 4, readSeq: 4, unread: 0, updatedUnixMs: 1 }],
  }));
  await listing;
  const [join] = t.sent(Op.JOIN_ROOM);
  assert.equal(text(join.body), 'chat://555');
  t.reply(join, join.body);
  await settle();
  // Caught up after the list (a notice may have been missed before joining): nothing new.
  const [first] = t.sent(Op.CHAT_HISTORY);
  assert.deepEqual(decodeChatHistory(first.body), { conversation: { kind: 'group', id: '555' }, afterSeq: 4, beforeSeq: 0, limit: 0 });
  t.reply(first, encodeChatHistoryReply({ lastSeq: 4, messages: [] }));
  await settle();

  t.notice({ conversation: { kind: 'group', id: '555' }, seq: 7, event: 'new' });
  const [, pull] = t.sent(Op.CHAT_HISTORY);
  assert.equal(decodeChatHistory(pull.body).afterSeq, 4);
  t.reply(pull, encodeChatHistoryReply({ more: true, lastSeq: 7, messages: [groupMessage(5), groupMessage(6, ME)] }));
  await settle();
  const [, , next] = t.sent(Op.CHAT_HISTORY);
  assert.equal(decodeChatHistory(next.body).afterSeq, 6, 'the next page after the last one');
  t.reply(next, encodeChatHistoryReply({ lastSeq: 7, messages: [groupMessage(7)] }));
  await settle();
  assert.deepEqual(t.messages.map((m) => [text(m.content), m.source, m.mine]), [['g5', 'history', false], ['g6', 'history', true], ['g7', 'history', false]]);
  assert.equal(t.chat.unread('group:555'), 2, 'the two from others');

  t.notice({ conversation: { kind: 'group', id: '555' }, seq: 7, event: 'new' }); // nothing newer
  assert.equal(t.sent(Op.CHAT_HISTORY).length, 3);

  t.notice({ conversation: { kind: 'group', id: '555' }, seq: 7, event: 'removed' });
  const [leave] = t.sent(Op.LEAVE_ROOM);
  assert.equal(text(leave.body), 'chat://555');
  assert.deepEqual(t.notices.map((n) => n.event), ['new', 'new', 'removed']);
  assert.equal(t.chat.list()[0].removed, true);
});

test('JOINED joins the room and pulls; an inbox reset lists the conversations again', async () => {
  const t = setup();
  await t.connect();
  const listing = t.chat.conversations();
  t.reply(t.sent(Op.CHAT_LIST)[0], encodeChatListReply({ conversations: [] }));
  await listing;

  t.notice({ conversation: { kind: 'group', id: '555' }, seq: 10, event: 'joined' });
  const [join] = t.sent(Op.JOIN_ROOM);
  assert.equal(text(join.body), 'chat://555');
  t.reply(join, join.body);
  await settle();
  const [pull] = t.sent(Op.CHAT_HISTORY);
  assert.equal(decodeChatHistory(pull.body).afterSeq, 0, 'nothing known: the newest page');
  t.reply(pull, encodeChatHistoryReply({ lastSeq: 11, messages: [groupMessage(11)] }));
  await settle();
  assert.deepEqual(t.messages.map((m) => text(m.content)), ['g11']);

  // The inbox was reset: what the counts were built on may be gone, so the list is asked again.
  const sync = t.sent(Op.SYNC);
  t.ws.deliver(encodeFrame({ op: Op.INBOX_NOTICE, body: new Uint8Array(16).fill(0, 0).map((_, i) => (i === 7 ? 9 : i === 15 ? 1 : 0)), version: 2 }));
  await settle();
  const resync = t.sent(Op.SYNC).at(-1);
  assert.notEqual(resync, sync.at(-1));
  t.reply(resync, encodeSyncReply({ epoch: 9, oldestSeq: 1, latestSeq: 1, reset: true }));
  await settle();
  assert.equal(t.sent(Op.CHAT_LIST).length, 2);
});

test('markRead reads up to the newest seq a history reply named', async () => {
  const t = setup();
  await t.connect();
  const paging = t.chat.history('user:2', { limit: 2 });
  const [history] = t.sent(Op.CHAT_HISTORY);
  assert.deepEqual(decodeChatHistory(history.body), { conversation: { kind: 'user', id: '2' }, afterSeq: 0, beforeSeq: 0, limit: 2 });
  t.reply(history, encodeChatHistoryReply({ more: true, lastSeq: 9, messages: [fromPeer(8), fromPeer(9)] }));
  assert.equal((await paging).messages.length, 2);
  assert.deepEqual(t.messages, [], 'a page asked for is not handed to onMessage');
  const reading = t.chat.markRead('user:2');
  const [read] = t.sent(Op.CHAT_READ);
  assert.equal(decodeChatRead(read.body).seq, 9);
  t.reply(read, encodeChatReadReply({ readSeq: 9, unread: 0 }));
  await reading;
});

test('version 1 has no chat', async () => {
  const t = setup({ version: 1 });
  await assert.rejects(() => t.chat.send('user:2', 1, 'x'), RangeError);
  await assert.rejects(() => t.chat.conversations(), RangeError);
});

test('an accepts list keeps chat ops in version 2, and is left as given in version 1', () => {
  for (const [version, accepts, expected] of [
    [2, [1000], [1000, Op.CHAT_MESSAGE, Op.CHAT_RECEIPT, Op.CHAT_NOTICE]],
    [2, [1000, Op.CHAT_NOTICE], [1000, Op.CHAT_NOTICE, Op.CHAT_MESSAGE, Op.CHAT_RECEIPT]],
    [2, [], []],
    [1, [1000], [1000]],
  ]) {
    const t = setup({ version, sync: false, auth: { mid: ME, accepts } });
    t.client.connect();
    const ws = t.sockets.at(-1);
    ws.open();
    const auth = ws.sent.at(-1);
    assert.equal(auth.op, Op.AUTH);
    assert.deepEqual(JSON.parse(text(auth.body)).accepts, expected, `version ${version}, ${accepts}`);
  }
});
