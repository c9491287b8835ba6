// Chat for the browser client (docs/client-js.md, "Chat"; protocol version 2): send with an
// idempotent client id, list conversations, page history, mark read; messages (op 36) and receipts
// (op 37) arrive through the delivery path (op 26 and SYNC, acked and deduplicated by delivery.js);
// read fan-out groups are followed through their room's op-38 notices and history pulls; an unread
// count per conversation is kept from all of these.

import { RecentIds } from './delivery.js';
import { Op, toBytes } from './frame.js';
import {
  ChatError,
  ChatStatus,
  chatRoom,
  conversation as toConversation,
  conversationKey,
  conversationOf,
  decodeChatHistoryReply,
  decodeChatListReply,
  decodeChatMessage,
  decodeChatNotice,
  decodeChatReadReply,
  decodeChatReceipt,
  decodeChatSendReply,
  encodeChatHistory,
  encodeChatList,
  encodeChatRead,
  encodeChatSend,
  receiptConversation,
} from './chat-bodies.js';

/** How many times {@link Chat#send} tries one message (the same client id each time). */
export const SEND_ATTEMPTS = 5;
/** History pages one pull of a read fan-out group reads at most before it waits for the next notice. */
export const PULL_PAGES = 20;

const noop = () => {};

/** A random client message id: a non-zero signed 64-bit integer as a decimal string. */
export function randomClientMsgId(crypto = globalThis.crypto) {
  const words = new BigUint64Array(1);
  do crypto.getRandomValues(words);
  while (words[0] === 0n);
  return BigInt.asIntN(64, words[0]).toString();
}

/**
 * The chat of one {@link HeraldClient} ({@code client.chat}). Callbacks, assigned by the
 * application: {@code onMessage(message)}, {@code onReceipt(receipt)}, {@code onUpdate(entry)}
 * (a conversation's unread count, read position or last message changed), {@code onNotice(notice)},
 * {@code onError(error)}.
 */
export class Chat {
  constructor(client, { sendAttempts = SEND_ATTEMPTS, retryDelay, timers, onError } = {}) {
    this.client = client;
    this.sendAttempts = sendAttempts;
    this.retryDelay = retryDelay;
    this.timers = timers;
    this.onMessage = noop;
    this.onReceipt = noop;
    this.onUpdate = noop;
    this.onNotice = noop;
    this.onError = onError ?? noop;
    this.me = null; // the user id (decimal string) the connection authenticated as
    this.entries = new Map(); // conversation key → entry
    this.seen = new RecentIds(); // chat message ids handed over
    this.listed = false;
    this.waiters = new Set(); // sends waiting for a connection
  }

  // ---- the API ----

  /**
   * Sends {@code content} (a string is sent as UTF-8) of {@code contentType} (1 = text by
   * convention) to {@code conversation} ({kind: 'user' | 'group', id} or 'user:2'). Resolves with
   * {messageId, seq, sentUnixMs, duplicate, clientMsgId, conversation}; the message is also handed
   * to {@code onMessage} (once: the inbox's copy is dropped). A timeout, a lost connection or
   * UNAVAILABLE is retried with the same client id ({@code sendAttempts} times in all, after the
   * reconnect backoff, waiting for the connection); any other status rejects with {@link ChatError}.
   */
  async send(conversation, contentType, content, { clientMsgId = randomClientMsgId() } = {}) {
    this.requireV2();
    const to = toConversation(conversation);
    const bytes = toBytes(content);
    const body = encodeChatSend({ conversation: to, clientMsgId, contentType, content: bytes });
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.call(Op.CHAT_SEND, body, decodeChatSendReply);
        const { messageId, seq, sentUnixMs } = reply;
        const message = { messageId, kind: to.kind, to: to.id, from: this.me, seq, sentUnixMs, clientMsgId, contentType, content: bytes };
        this.received(message, 'sent');
        return { ...reply, clientMsgId, conversation: to };
      } catch (e) {
        if (!retryable(e) || attempt >= this.sendAttempts || this.stopped()) throw e;
        await this.pause(attempt - 1);
      }
    }
  }

  /**
   * One page of the user's conversations, newest first (op 30): {more, conversations: [{conversation,
   * mode, lastSeq, readSeq, unread, updatedUnixMs, lastMessage}]}. Updates the unread counts, joins
   * the room of each read fan-out group and catches up with it.
   */
  async conversations({ beforeUnixMs = 0, limit = 0 } = {}) {
    this.requireV2();
    const reply = await this.call(Op.CHAT_LIST, encodeChatList({ beforeUnixMs, limit }), decodeChatListReply);
    this.listed = true;
    for (const summary of reply.conversations) this.listedOne(summary);
    return reply;
  }

  /**
   * A page of one conversation's messages (op 32), ascending: {more, lastSeq, messages}. With
   * {@code afterSeq} > 0 the first {@code limit} after it, else the newest before {@code beforeSeq}
   * (0: the newest). It does not call {@code onMessage}; the conversation's newest seq it names is
   * what {@link markRead} reads up to by default.
   */
  async history(conversation, { afterSeq = 0, beforeSeq = 0, limit = 0 } = {}) {
    this.requireV2();
    const c = toConversation(conversation);
    const body = encodeChatHistory({ conversation: c, afterSeq, beforeSeq, limit });
    const reply = await this.call(Op.CHAT_HISTORY, body, decodeChatHistoryReply);
    const entry = this.entry(c);
    entry.newestSeq = Math.max(entry.newestSeq, reply.lastSeq);
    return reply;
  }

  /**
   * Marks {@code conversation} read up to {@code seq} (default: its newest seq known here, from
   * messages, a list or a history reply) (op 34):
   * resolves with {readSeq, unread} and updates the unread count.
   */
  async markRead(conversation, seq) {
    this.requireV2();
    const c = toConversation(conversation);
    const entry = this.entry(c);
    const upTo = seq ?? Math.max(entry.lastSeq, entry.newestSeq);
    if (!(upTo > 0)) return { readSeq: entry.readSeq, unread: this.unreadOf(entry) };
    const reply = await this.call(Op.CHAT_READ, encodeChatRead({ conversation: c, seq: upTo }), decodeChatReadReply);
    entry.readSeq = Math.max(entry.readSeq, reply.readSeq);
    entry.baseSeq = Math.max(entry.lastSeq, entry.readSeq);
    entry.baseUnread = reply.unread;
    entry.counted.clear();
    this.updated(entry);
    return reply;
  }

  /** The unread count of {@code conversation} (0 when unknown). */
  unread(conversation) {
    const entry = this.entries.get(conversationKey(toConversation(conversation)));
    return entry ? this.unreadOf(entry) : 0;
  }

  /** The conversations known here, newest first: what {@code onUpdate} gets, for each. */
  list() {
    return [...this.entries.values()].map((e) => this.view(e)).sort((a, b) => b.updatedUnixMs - a.updatedUnixMs);
  }

  // ---- from the client ----

  /** A connection authenticated as {@code mid}: sends waiting for it go on; read fan-out groups catch up. */
  connected(mid) {
    this.me = String(mid);
    for (const waiter of this.waiters) waiter();
    for (const entry of this.entries.values()) {
      if (entry.mode === 'read' && !entry.removed) this.pull(entry);
    }
  }

  /** The client was closed for good: waiting sends give up. */
  closed() {
    for (const waiter of this.waiters) waiter();
  }

  /** An op-36 or op-37 body handed over by the delivery path (op 26 or SYNC), once. */
  delivered(op, body) {
    try {
      if (op === Op.CHAT_MESSAGE) this.received(decodeChatMessage(body), 'inbox');
      else this.receipted(decodeChatReceipt(body));
    } catch (e) {
      this.onError(e);
    }
  }

  /** An op-38 frame: news of a read fan-out group. */
  noticed(body) {
    let notice;
    try {
      notice = decodeChatNotice(body);
    } catch (e) {
      this.onError(e);
      return;
    }
    const entry = this.entry(notice.conversation);
    const room = chatRoom(notice.conversation.id);
    if (notice.event === 'removed') {
      entry.removed = true;
      if (this.client.rooms.has(room)) this.client.leaveRoom(room).catch((e) => this.onError(e));
    } else {
      entry.mode = 'read';
      entry.removed = false;
      if (notice.event === 'joined') this.follow(entry);
      else if (notice.seq > entry.lastSeq) this.pull(entry);
    }
    this.onNotice(notice);
  }

  /** The inbox was reset: what the unread counts were built from may be gone; list again. */
  inboxReset() {
    if (this.listed && this.client.connected) this.conversations().catch((e) => this.onError(e));
  }

  // ---- the model ----

  entry(conversation) {
    const key = conversationKey(conversation);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        conversation: { kind: conversation.kind, id: conversation.id },
        key,
        mode: 'write',
        lastSeq: 0, // the newest seq handed over or listed (a read fan-out group pulls after it)
        newestSeq: 0, // the newest seq a history reply named
        readSeq: 0,
        peerReadSeq: 0,
        updatedUnixMs: 0,
        lastMessage: null,
        removed: false,
        // unread = baseUnread (the server's count when it last told, up to baseSeq) + the seqs from
        // others seen since, past baseSeq and the read position
        baseUnread: 0,
        baseSeq: 0,
        counted: new Set(),
        pulling: false,
        again: false,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  unreadOf(entry) {
    return entry.baseUnread + entry.counted.size;
  }

  view(entry) {
    const { conversation, key, mode, lastSeq, readSeq, peerReadSeq, updatedUnixMs, lastMessage, removed } = entry;
    return { conversation, key, mode, lastSeq, readSeq, peerReadSeq, unread: this.unreadOf(entry), updatedUnixMs, lastMessage, removed };
  }

  updated(entry) {
    this.onUpdate(this.view(entry));
  }

  listedOne(summary) {
    const known = this.entries.has(conversationKey(summary.conversation));
    const entry = this.entry(summary.conversation);
    entry.mode = summary.mode;
    entry.removed = false;
    entry.readSeq = Math.max(entry.readSeq, summary.readSeq);
    entry.baseUnread = summary.unread;
    entry.baseSeq = summary.lastSeq;
    for (const seq of entry.counted) if (seq <= summary.lastSeq || seq <= entry.readSeq) entry.counted.delete(seq);
    const behind = known && entry.lastSeq < summary.lastSeq;
    if (summary.lastSeq >= entry.lastSeq && (!behind || summary.mode === 'write')) {
      // a read fan-out group this page followed and fell behind on keeps its position: it pulls
      entry.lastSeq = summary.lastSeq;
      entry.lastMessage = summary.lastMessage ?? entry.lastMessage;
    }
    entry.updatedUnixMs = Math.max(entry.updatedUnixMs, summary.updatedUnixMs);
    this.updated(entry);
    if (summary.mode === 'read') this.follow(entry);
  }

  /** Hands over one message unless it was; false for a duplicate. */
  received(message, source) {
    if (!this.seen.add(message.messageId)) return false;
    const c = conversationOf(message, this.me);
    const entry = this.entry(c);
    const mine = message.from === this.me;
    if (!mine && message.seq > entry.baseSeq && message.seq > entry.readSeq) entry.counted.add(message.seq);
    if (message.seq > entry.lastSeq) {
      entry.lastSeq = message.seq;
      entry.lastMessage = message;
      entry.updatedUnixMs = Math.max(entry.updatedUnixMs, message.sentUnixMs);
    }
    this.onMessage({ ...message, conversation: c, mine, source });
    this.updated(entry);
    return true;
  }

  receipted(receipt) {
    const c = receiptConversation(receipt, this.me);
    const entry = this.entry(c);
    const mine = receipt.reader === this.me;
    if (mine) {
      // Read here or on another device: what is read is no longer unread.
      const read = Math.max(entry.readSeq, receipt.readSeq);
      for (const seq of entry.counted) if (seq <= read) entry.counted.delete(seq);
      if (read >= entry.baseSeq) entry.baseUnread = 0;
      else if (read > entry.readSeq) entry.baseUnread = Math.min(entry.baseUnread, entry.baseSeq - read);
      entry.readSeq = read;
    } else {
      entry.peerReadSeq = Math.max(entry.peerReadSeq, receipt.readSeq);
    }
    this.onReceipt({ ...receipt, conversation: c, mine });
    this.updated(entry);
  }

  // ---- read fan-out groups ----

  /** Joins the group's room (once) and catches up after the last seq known here. */
  follow(entry) {
    const room = chatRoom(entry.conversation.id);
    if (!this.client.connected) return; // connected() pulls; the client rejoins its rooms
    const joined = this.client.rooms.has(room) ? Promise.resolve() : this.client.joinRoom(room);
    joined.then(
      () => this.pull(entry),
      (e) => this.onError(e),
    );
  }

  /** Pulls the group's history after its last seq known here, one pull at a time per group. */
  async pull(entry) {
    if (entry.pulling) {
      entry.again = true;
      return;
    }
    entry.pulling = true;
    try {
      do {
        entry.again = false;
        let after = entry.lastSeq;
        for (let page = 0; page < PULL_PAGES && !entry.removed; page++) {
          const reply = await this.history(entry.conversation, { afterSeq: after });
          for (const message of reply.messages) {
            if (message.seq > after) this.received(message, 'history');
          }
          if (!reply.more || reply.messages.length === 0 || after === 0) break;
          after = reply.messages.at(-1).seq;
        }
      } while (entry.again && this.client.connected);
    } catch (e) {
      this.onError(e);
    } finally {
      entry.pulling = false;
    }
  }

  // ---- plumbing ----

  requireV2() {
    if (this.client.options.version !== 2) throw new RangeError('chat needs protocol version 2 (version: 1)');
  }

  async call(op, body, decode) {
    const frame = await this.client.request(op, body);
    return decode(frame.body);
  }

  stopped() {
    return this.client.state === 'closed' || this.client.state === 'idle';
  }

  /** Waits the backoff delay of {@code attempt}, then for a connection (at most a request timeout). */
  async pause(attempt) {
    await new Promise((resolve) => this.timers.setTimeout(resolve, this.retryDelay(attempt)));
    if (this.client.connected || this.stopped()) return;
    await new Promise((resolve) => {
      const done = () => {
        this.timers.clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = this.timers.setTimeout(done, this.client.options.requestTimeoutMs);
      this.waiters.add(done);
    });
  }
}

function retryable(e) {
  if (e instanceof ChatError) return e.status === ChatStatus.UNAVAILABLE;
  return e?.name === 'RequestError'; // timed out, or the connection went away
}
