// The chat bodies (ops 28–38, protocol version 2; docs/im.md): byte for byte those of
// io.herald.wire.chat. Big-endian; `str` = int16 length + UTF-8; `conv` = int8 kind (1 user,
// 2 group) + int64 id. Every reply starts with int16 status; a status other than 0 is followed by
// `str` message and nothing else.
//
// 64-bit ids (message ids, user and group ids, client message ids) travel as decimal strings, as
// the delivery bodies' message ids do: they pass 2^53. Seqs, times, counts fit a number.

import { MalformedBodyError, toBytes } from './frame.js';

/** The status at the head of every chat reply (int16). */
export const ChatStatus = Object.freeze({
  OK: 0,
  BAD_REQUEST: 1,
  NOT_MEMBER: 2,
  TOO_LARGE: 3,
  RATE_LIMITED: 4,
  REFUSED: 5,
  NOT_FOUND: 6,
  UNAVAILABLE: 7,
  LIMIT_EXCEEDED: 8,
});

const STATUS_NAMES = Object.keys(ChatStatus);

/** A chat reply whose status is not OK: {@code status} (a number), {@code statusName}, the message. */
export class ChatError extends Error {
  constructor(status, message = '') {
    const code = STATUS_NAMES[status] === undefined ? ChatStatus.UNAVAILABLE : status; // as Java reads it
    super(`${STATUS_NAMES[code]}${message ? `: ${message}` : ''}`);
    this.name = 'ChatError';
    this.status = code;
    this.statusName = STATUS_NAMES[code];
    this.serverMessage = message;
  }

  /** Whether the same request (the same client_msg_id for a send) may succeed later. */
  get retryable() {
    return this.status === ChatStatus.UNAVAILABLE || this.status === ChatStatus.RATE_LIMITED;
  }
}

/** The 38 events, by their int8 code. */
export const NOTICE_EVENTS = Object.freeze(['new', 'joined', 'removed']);
/** The fan-out modes of a conversation, by their int8 code. */
export const FANOUT_MODES = Object.freeze(['write', 'read']);
const KINDS = Object.freeze({ 1: 'user', 2: 'group' });
const KIND_CODES = Object.freeze({ user: 1, group: 2 });
/** Bytes of a message record before its content; of a send before its content. */
export const MESSAGE_HEAD = 53;
export const SEND_HEAD = 21;
/** Records in one list body at most, as the server bounds them. */
const MAX_RECORDS = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A conversation {kind: 'user' | 'group', id (decimal string)} from {kind, id} (kind also 1 or 2;
 * id a string, number or bigint) or from its key, {@code 'user:2'} / {@code 'group:555'}.
 */
export function conversation(value, id) {
  if (typeof value === 'string' && id === undefined) {
    const at = value.indexOf(':');
    return conversation(value.slice(0, at), value.slice(at + 1));
  }
  if (typeof value === 'object' && value !== null && id === undefined) return conversation(value.kind, value.id);
  const kind = KINDS[value] ?? (KIND_CODES[value] ? value : undefined);
  if (!kind) throw new TypeError(`conversation kind: ${value} (expected: 'user' or 'group')`);
  let big;
  try {
    big = BigInt.asIntN(64, BigInt(id));
  } catch {
    throw new TypeError(`conversation id: ${id} (expected: a 64-bit integer)`);
  }
  return { kind, id: big.toString() };
}

/** The key of a conversation, {@code 'user:2'} or {@code 'group:555'}: one entry per conversation. */
export const conversationKey = (c) => `${c.kind}:${c.id}`;

/** The conversation a message belongs to, as user {@code me} names it. */
export function conversationOf(message, me) {
  if (message.kind === 'group') return { kind: 'group', id: message.to };
  return { kind: 'user', id: message.from === String(me) ? message.to : message.from };
}

/** The conversation a receipt is about, as user {@code me} names it. */
export function receiptConversation(receipt, me) {
  if (receipt.to.kind === 'group' || receipt.reader === String(me)) return receipt.to;
  return { kind: 'user', id: receipt.reader };
}

// ---- reading and writing ----

class Reader {
  constructor(body, what) {
    this.bytes = toBytes(body);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    this.at = 0;
    this.what = what;
  }
  get left() {
    return this.bytes.length - this.at;
  }
  need(n, what = this.what) {
    if (this.left < n) throw new MalformedBodyError(`${what}: ${this.left} bytes left, expected at least ${n}`);
  }
  int8() {
    this.need(1);
    return this.view.getInt8(this.at++);
  }
  int16() {
    this.need(2);
    const v = this.view.getInt16(this.at);
    this.at += 2;
    return v;
  }
  int32() {
    this.need(4);
    const v = this.view.getInt32(this.at);
    this.at += 4;
    return v;
  }
  big() {
    this.need(8);
    const v = this.view.getBigInt64(this.at);
    this.at += 8;
    return v;
  }
  id() {
    return this.big().toString();
  }
  number() {
    return Number(this.big());
  }
  bytesOf(n) {
    this.need(n);
    const out = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  rest() {
    return this.bytesOf(this.left);
  }
  conversation() {
    this.need(9, 'conversation');
    const code = this.int8();
    const kind = KINDS[code];
    if (!kind) throw new MalformedBodyError(`unknown conversation kind ${code}`);
    return { kind, id: this.id() };
  }
  string() {
    this.need(2);
    const length = this.view.getUint16(this.at);
    this.at += 2;
    this.need(length);
    return decoder.decode(this.bytesOf(length));
  }
  /** Checks an OK status at the head of a reply; throws {@link ChatError} for any other. */
  ok() {
    const status = this.int16();
    if (status !== ChatStatus.OK) throw new ChatError(status, this.string());
  }
  /** An int32 length, then a reader of exactly that many bytes. */
  sized(what) {
    const length = this.int32();
    if (length < 0 || length > this.left) throw new MalformedBodyError(`${what}: record length ${length} does not fit`);
    const inner = new Reader(this.bytes.subarray(this.at, this.at + length), what);
    this.at += length;
    return inner;
  }
  count(what, minRecord) {
    const n = this.int32();
    if (n < 0 || n > MAX_RECORDS || n > this.left / minRecord) throw new MalformedBodyError(`${what}: count ${n} does not fit the body`);
    return n;
  }
}

class Writer {
  constructor(length) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
  }
  int8(v) {
    this.view.setInt8(this.at++, v);
    return this;
  }
  int16(v) {
    this.view.setInt16(this.at, v);
    this.at += 2;
    return this;
  }
  int32(v) {
    this.view.setInt32(this.at, v);
    this.at += 4;
    return this;
  }
  int64(v) {
    this.view.setBigInt64(this.at, BigInt.asIntN(64, BigInt(v)));
    this.at += 8;
    return this;
  }
  raw(bytes) {
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }
  conversation(c) {
    const { kind, id } = conversation(c);
    return this.int8(KIND_CODES[kind]).int64(id);
  }
}

/** UTF-8 of {@code text}, cut at a character boundary to at most 32767 bytes (as the server writes it). */
function shortUtf8(text) {
  const utf8 = encoder.encode(text);
  let length = Math.min(utf8.length, 0x7fff);
  while (length < utf8.length && (utf8[length] & 0xc0) === 0x80) length--;
  return utf8.subarray(0, length);
}

// ---- op 36 CHAT_MESSAGE: the message record ----

/** Op 36 body: {messageId, kind, to, from, seq, sentUnixMs, clientMsgId, contentType, content}. */
export function decodeChatMessage(body) {
  return readMessage(new Reader(body, 'CHAT_MESSAGE'));
}

function readMessage(r) {
  r.need(MESSAGE_HEAD);
  const messageId = r.id();
  const code = r.int8();
  const kind = KINDS[code];
  if (!kind) throw new MalformedBodyError(`unknown conversation kind ${code}`);
  return {
    messageId,
    kind,
    to: r.id(),
    from: r.id(),
    seq: r.number(),
    sentUnixMs: r.number(),
    clientMsgId: r.id(),
    contentType: r.int32(),
    content: r.rest(),
  };
}

export function encodeChatMessage(m) {
  const content = toBytes(m.content);
  const w = new Writer(MESSAGE_HEAD + content.length);
  writeMessage(w, m, content);
  return w.bytes;
}

function writeMessage(w, m, content) {
  w.int64(m.messageId).int8(KIND_CODES[m.kind] ?? m.kind).int64(m.to).int64(m.from);
  w.int64(m.seq).int64(m.sentUnixMs).int64(m.clientMsgId ?? 0).int32(m.contentType ?? 0).raw(content);
}

// ---- requests (client to server) ----

/** Op 28: {conversation, clientMsgId (not 0), contentType, content (string: UTF-8)}. */
export function encodeChatSend({ conversation: to, clientMsgId, contentType = 1, content }) {
  if (BigInt.asIntN(64, BigInt(clientMsgId)) === 0n) throw new RangeError('clientMsgId: 0 (expected: not 0)');
  const bytes = toBytes(content);
  return new Writer(SEND_HEAD + bytes.length).conversation(to).int64(clientMsgId).int32(contentType).raw(bytes).bytes;
}

export function decodeChatSend(body) {
  const r = new Reader(body, 'CHAT_SEND');
  r.need(SEND_HEAD);
  const to = r.conversation();
  const clientMsgId = r.id();
  if (clientMsgId === '0') throw new MalformedBodyError('CHAT_SEND: client_msg_id is 0');
  return { conversation: to, clientMsgId, contentType: r.int32(), content: r.rest() };
}

/** Op 30: conversations updated before {@code beforeUnixMs} (0: from the newest), at most {@code limit}. */
export function encodeChatList({ beforeUnixMs = 0, limit = 0 } = {}) {
  return new Writer(12).int64(beforeUnixMs).int32(limit).bytes;
}

export function decodeChatList(body) {
  const r = new Reader(body, 'CHAT_LIST');
  r.need(12);
  return { beforeUnixMs: r.number(), limit: r.int32() };
}

/** Op 32: afterSeq > 0: the first {@code limit} after it; else the newest before {@code beforeSeq} (0: none). */
export function encodeChatHistory({ conversation: c, afterSeq = 0, beforeSeq = 0, limit = 0 }) {
  return new Writer(29).conversation(c).int64(afterSeq).int64(beforeSeq).int32(limit).bytes;
}

export function decodeChatHistory(body) {
  const r = new Reader(body, 'CHAT_HISTORY');
  r.need(29);
  return { conversation: r.conversation(), afterSeq: r.number(), beforeSeq: r.number(), limit: r.int32() };
}

/** Op 34: read up to and including {@code seq}. */
export function encodeChatRead({ conversation: c, seq }) {
  return new Writer(17).conversation(c).int64(seq).bytes;
}

export function decodeChatRead(body) {
  const r = new Reader(body, 'CHAT_READ');
  r.need(17);
  return { conversation: r.conversation(), seq: r.number() };
}

// ---- replies (server to client); each decoder throws ChatError for a status other than OK ----

/** Any reply's error, or null when its status is OK. */
export function decodeChatError(body) {
  const r = new Reader(body, 'chat reply status');
  const status = r.int16();
  return status === ChatStatus.OK ? null : new ChatError(status, r.string());
}

export function encodeChatError(status, message = '') {
  if (status === ChatStatus.OK) throw new RangeError('an error needs a status other than OK');
  const text = shortUtf8(message);
  return new Writer(4 + text.length).int16(status).int16(text.length).raw(text).bytes;
}

/** Op 29: {messageId, seq, sentUnixMs, duplicate}. */
export function decodeChatSendReply(body) {
  const r = new Reader(body, 'CHAT_SEND_REPLY');
  r.ok();
  r.need(25);
  return { messageId: r.id(), seq: r.number(), sentUnixMs: r.number(), duplicate: (r.int8() & 1) !== 0 };
}

export function encodeChatSendReply({ messageId, seq, sentUnixMs, duplicate = false }) {
  return new Writer(27).int16(0).int64(messageId).int64(seq).int64(sentUnixMs).int8(duplicate ? 1 : 0).bytes;
}

/**
 * Op 31: {more, conversations: [{conversation, mode ('write' | 'read'), lastSeq, readSeq, unread,
 * updatedUnixMs, lastMessage (null when none)}]}, newest first.
 */
export function decodeChatListReply(body) {
  const r = new Reader(body, 'CHAT_LIST_REPLY');
  r.ok();
  r.need(5);
  const more = (r.int8() & 1) !== 0;
  const count = r.count('CHAT_LIST_REPLY', 42);
  const conversations = [];
  for (let i = 0; i < count; i++) {
    const c = r.conversation();
    r.need(33, 'conversation summary');
    const code = r.int8();
    const mode = FANOUT_MODES[code];
    if (!mode) throw new MalformedBodyError(`unknown fan-out mode ${code}`);
    const summary = { conversation: c, mode, lastSeq: r.number(), readSeq: r.number(), unread: r.int32(), updatedUnixMs: r.number() };
    const last = r.sized('last message');
    summary.lastMessage = last.left === 0 ? null : readMessage(last);
    conversations.push(summary);
  }
  return { more, conversations };
}

export function encodeChatListReply({ more = false, conversations = [] }) {
  const parts = conversations.map((s) => (s.lastMessage ? encodeChatMessage(s.lastMessage) : new Uint8Array(0)));
  const w = new Writer(7 + parts.reduce((n, p) => n + 42 + p.length, 0));
  w.int16(0).int8(more ? 1 : 0).int32(conversations.length);
  conversations.forEach((s, i) => {
    w.conversation(s.conversation).int8(FANOUT_MODES.indexOf(s.mode ?? 'write')).int64(s.lastSeq ?? 0);
    w.int64(s.readSeq ?? 0).int32(s.unread ?? 0).int64(s.updatedUnixMs ?? 0).int32(parts[i].length).raw(parts[i]);
  });
  return w.bytes;
}

/** Op 33: {more, lastSeq, messages} in ascending seq. */
export function decodeChatHistoryReply(body) {
  const r = new Reader(body, 'CHAT_HISTORY_REPLY');
  r.ok();
  r.need(9);
  const more = (r.int8() & 1) !== 0;
  const lastSeq = r.number();
  const count = r.count('CHAT_HISTORY_REPLY', 4);
  const messages = [];
  for (let i = 0; i < count; i++) messages.push(readMessage(r.sized('CHAT_HISTORY_REPLY')));
  return { more, lastSeq, messages };
}

export function encodeChatHistoryReply({ more = false, lastSeq, messages = [] }) {
  const parts = messages.map(encodeChatMessage);
  const w = new Writer(15 + parts.reduce((n, p) => n + 4 + p.length, 0));
  w.int16(0).int8(more ? 1 : 0).int64(lastSeq).int32(parts.length);
  for (const part of parts) w.int32(part.length).raw(part);
  return w.bytes;
}

/** Op 35: {readSeq, unread}. */
export function decodeChatReadReply(body) {
  const r = new Reader(body, 'CHAT_READ_REPLY');
  r.ok();
  r.need(12);
  return { readSeq: r.number(), unread: r.int32() };
}

export function encodeChatReadReply({ readSeq, unread }) {
  return new Writer(14).int16(0).int64(readSeq).int32(unread).bytes;
}

// ---- delivered by the server ----

/** Op 37: {reader, to (the reader's conversation), readSeq}. */
export function decodeChatReceipt(body) {
  const r = new Reader(body, 'CHAT_RECEIPT');
  r.need(25);
  return { reader: r.id(), to: r.conversation(), readSeq: r.number() };
}

export function encodeChatReceipt({ reader, to, readSeq }) {
  return new Writer(25).int64(reader).conversation(to).int64(readSeq).bytes;
}

/** Op 38: {conversation, seq (the group's newest), event ('new' | 'joined' | 'removed')}. */
export function decodeChatNotice(body) {
  const r = new Reader(body, 'CHAT_NOTICE');
  r.need(18);
  const c = r.conversation();
  const seq = r.number();
  const code = r.int8();
  const event = NOTICE_EVENTS[code];
  if (!event) throw new MalformedBodyError(`CHAT_NOTICE: unknown event ${code}`);
  return { conversation: c, seq, event };
}

export function encodeChatNotice({ conversation: c, seq, event }) {
  return new Writer(18).conversation(c).int64(seq).int8(NOTICE_EVENTS.indexOf(event)).bytes;
}

/** The room a client joins for a read fan-out group's notices. */
export const chatRoom = (groupId) => `chat://${groupId}`;
