// Herald browser client: one WebSocket to a Comet, speaking the wire protocol of docs/protocol.md.
// No dependencies; an ES module. See docs/client-js.md.

import { Chat } from './chat.js';
import { Delivery, defaultInboxStore } from './delivery.js';
import { Op, decodeMessage, decodeNotice, encodeFrame, text, toBytes } from './frame.js';

export {
  MalformedBodyError,
  Op,
  ProtocolError,
  crc32c,
  decodeEnvelope,
  decodeFrame,
  decodeMessage,
  decodeNotice,
  decodeSyncReply,
  encodeAck,
  encodeBatch,
  encodeEnvelope,
  encodeFrame,
  encodeSync,
  encodeSyncReply,
  splitBatch,
  text,
  toBytes,
} from './frame.js';
export {
  ChatError,
  ChatStatus,
  chatRoom,
  conversation,
  conversationKey,
  conversationOf,
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
  receiptConversation,
} from './chat-bodies.js';
export { Chat, randomClientMsgId } from './chat.js';
export {
  RecentIds,
  defaultInboxStore,
  localStorageInboxStore,
  memoryInboxStore,
} from './delivery.js';

const noop = () => {};

const DEFAULTS = Object.freeze({
  version: 1,
  heartbeatMs: 30_000,
  requestTimeoutMs: 10_000,
  authTimeoutMs: 10_000,
  reconnect: true,
  backoff: Object.freeze({ baseDelayMs: 1_000, maxDelayMs: 30_000, factor: 2, jitter: 0.2 }),
});

/** Why a request failed: timed out, or the connection went away before the reply. */
export class RequestError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RequestError';
  }
}

/**
 * The delay before reconnect attempt {@code attempt} (0 for the first): {@code baseDelayMs ×
 * factor^attempt}, capped at {@code maxDelayMs}, then spread by ±{@code jitter} (a fraction).
 */
export function backoffDelay(attempt, backoff = DEFAULTS.backoff, random = Math.random) {
  const { baseDelayMs, maxDelayMs, factor, jitter } = { ...DEFAULTS.backoff, ...backoff };
  const raw = Math.min(maxDelayMs, baseDelayMs * Math.pow(factor, attempt));
  return Math.max(0, Math.round(raw * (1 + jitter * (random() * 2 - 1))));
}

/**
 * The WebSocket URLs an op-21 RECONNECT body hints at. Its nodes are {@code host:port}; they keep
 * the scheme and path of {@code current}.
 */
export function reconnectTargets(body, current) {
  let hints;
  try {
    hints = JSON.parse(text(toBytes(body)));
  } catch {
    return { reason: '', urls: [] };
  }
  const base = new URL(current);
  const urls = (Array.isArray(hints.nodes) ? hints.nodes : [])
    .filter((node) => typeof node === 'string' && node.length > 0)
    .map((node) => `${base.protocol}//${node}${base.pathname}${base.search}`);
  return { reason: typeof hints.reason === 'string' ? hints.reason : '', urls };
}

/**
 * The WebSocket URLs of a goim node list — Logic's answer to {@code GET
 * /goim/nodes/weighted?platform=web}, whole or its {@code data} — best first: each host with
 * {@code ws_port}, or {@code wss_port} when {@code secure}. A port of 0 means no listed Comet
 * serves that transport, and gives no URL.
 */
export function nodeUrls(answer, { secure = false, path = '/sub' } = {}) {
  const data = answer?.data ?? answer ?? {};
  const port = Number(secure ? data.wss_port : data.ws_port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return [];
  const scheme = secure ? 'wss' : 'ws';
  return (Array.isArray(data.nodes) ? data.nodes : [])
    .filter((host) => typeof host === 'string' && host.length > 0)
    .map((host) => `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`);
}

/**
 * A connection to Herald that authenticates, keeps itself alive with heartbeats, splits op-9
 * batches, matches replies to requests by seq and reconnects with backoff. Acked and stored pushes
 * (op 26) are acked automatically and handed to {@code onMessage} once each, stored ones in inbox
 * order; in protocol version 2 the client SYNCs the user's inbox after every connect, on notices
 * (op 27) and past a gap, from the position its inbox store keeps (localStorage by default).
 */
export class HeraldClient {
  /**
   * @param {object} options
   * @param {string|string[]} options.url Comet WebSocket URL(s), e.g. ws://127.0.0.1:3102/sub;
   *     reconnects walk the list in order
   * @param {object} options.auth goim's AUTH body: {mid, key, room_id, platform, accepts, token}
   * @param {boolean} [options.sync] keep an inbox position and SYNC stored messages (default: true
   *     in version 2; refused in version 1, which has no inbox delivery)
   * @param {{load(mid), save(mid, position, {reset}), clear?(mid)}} [options.inboxStore] where the
   *     inbox position is kept per user (default: localStorage when present, else memory)
   */
  constructor(options) {
    const urls = [].concat(options?.url ?? []);
    if (urls.length === 0) throw new TypeError('url: missing (expected: ws://host:port/sub)');
    this.options = { ...DEFAULTS, ...options, backoff: { ...DEFAULTS.backoff, ...options.backoff } };
    if (this.options.version !== 1 && this.options.version !== 2) {
      throw new RangeError(`version: ${this.options.version} (expected: 1 or 2)`);
    }
    const sync = options.sync ?? this.options.version === 2;
    if (sync && this.options.version === 1) {
      throw new RangeError('sync: true with version 1 (expected: version 2; version 1 has no inbox delivery)');
    }
    this.urls = urls;
    this.auth = { ...options.auth };
    this.onOpen = options.onOpen ?? noop;
    this.onClose = options.onClose ?? noop;
    this.onMessage = options.onMessage ?? noop;
    this.onOnline = options.onOnline ?? noop;
    this.onError = options.onError ?? noop;
    this.onInboxReset = options.onInboxReset ?? noop;
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    // Injectable for tests, like the WebSocket class and the random source of the jitter.
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (id) => clearTimeout(id),
    };
    this.random = options.random ?? Math.random;
    this.rooms = new Set(); // joined with op 22, rejoined after a reconnect
    this.pending = new Map(); // seq → {replyOp, resolve, reject, timer}
    this.seq = 0;
    this.ws = null;
    this.url = null;
    this.state = 'idle'; // idle | connecting | open | closed
    this.attempt = 0;
    this.next = 0; // index into urls
    this.hinted = []; // URLs from a RECONNECT, tried first
    this.timer = null; // reconnect or auth timeout
    this.beat = null; // heartbeat timer
    this.awaitingBeat = false;
    this.reason = '';
    this.info = null;
    this.delivery = new Delivery({
      sync,
      store: options.inboxStore ?? defaultInboxStore(),
      timers: this.timers,
      retryDelay: (failures) => backoffDelay(failures, this.options.backoff, this.random),
      onMessage: (op, body, seq, delivery) => this.handed(op, body, seq, delivery),
      onInboxReset: (reset) => {
        this.onInboxReset(reset);
        this.chat.inboxReset();
      },
      onError: (e) => this.onError(e),
      post: (op, body) => this.post(op, body),
      request: (op, body) => this.request(op, body),
    });
    /** Chat (protocol version 2): send, conversations, history, markRead; see chat.js. */
    this.chat = new Chat(this, {
      sendAttempts: options.chatSendAttempts,
      timers: this.timers,
      retryDelay: (attempt) => backoffDelay(attempt, this.options.backoff, this.random),
      onError: (e) => this.onError(e),
    });
  }

  /** A message the delivery path hands over once: chat messages and receipts go to the chat. */
  handed(op, body, seq, delivery) {
    if (op === Op.CHAT_MESSAGE || op === Op.CHAT_RECEIPT) this.chat.delivered(op, body);
    else this.onMessage(op, body, seq, delivery);
  }

  /**
   * Where the client stands in its user's inbox: {epoch, seq} of the last stored message handed
   * over without a gap, or null (before the first SYNC answered, or with sync off).
   */
  get inboxPosition() {
    const position = this.delivery.position;
    return position ? { ...position } : null;
  }

  /** Opens the connection (and keeps it open, reconnecting, until {@link close}). */
  connect() {
    if (this.state === 'connecting' || this.state === 'open') return;
    this.state = 'connecting';
    this.dial();
  }

  /** Closes the connection for good: no reconnect; pending requests fail. */
  close() {
    if (this.state === 'closed' || this.state === 'idle') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    const ws = this.ws;
    this.teardown('closed by the client');
    if (ws) ws.close(1000, 'bye');
    this.chat.closed();
    this.onClose({ code: 1000, reason: 'closed by the client', wasOpen, reconnectInMs: -1 });
  }

  /** Whether the connection is authenticated and ready for requests. */
  get connected() {
    return this.state === 'open';
  }

  /** Sends op 4 (SEND_MSG) upstream; resolves with the op-5 reply frame. */
  send(body) {
    return this.request(Op.SEND_MSG, body);
  }

  /** Joins {@code room} ({@code type://id}) besides the current rooms (op 22); rejoined on reconnect. */
  async joinRoom(room) {
    const reply = await this.request(Op.JOIN_ROOM, room);
    this.rooms.add(room);
    return reply;
  }

  /** Leaves {@code room} (op 24). */
  async leaveRoom(room) {
    const reply = await this.request(Op.LEAVE_ROOM, room);
    this.rooms.delete(room);
    if (this.auth.room_id === room) this.auth.room_id = '';
    return reply;
  }

  /** Replaces all rooms with {@code room} (op 12); a reconnect authenticates into it. */
  async changeRoom(room) {
    const reply = await this.request(Op.CHANGE_ROOM, room);
    this.rooms.clear();
    this.auth.room_id = room;
    return reply;
  }

  /** Starts receiving the given ops (op 14). */
  subscribe(ops) {
    return this.request(Op.SUB, [].concat(ops).join(','));
  }

  /** Stops receiving the given ops (op 16). */
  unsubscribe(ops) {
    return this.request(Op.UNSUB, [].concat(ops).join(','));
  }

  /**
   * Sends a frame of {@code op} with a fresh seq and resolves with the server's reply (op + 1,
   * same seq), or rejects with {@link RequestError} on timeout or disconnect.
   */
  request(op, body) {
    if (this.state !== 'open') return Promise.reject(new RequestError(`not connected (op ${op})`));
    const seq = this.nextSeq();
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(seq);
        const ms = this.options.requestTimeoutMs;
        reject(new RequestError(`no reply to op ${op} seq ${seq} within ${ms} ms`));
      }, this.options.requestTimeoutMs);
      this.pending.set(seq, { replyOp: op + 1, resolve, reject, timer });
      this.write(op, body, seq);
    });
  }

  /** Writes a frame that expects no reply (e.g. a business op); false when not connected. */
  post(op, body, seq = 0) {
    if (this.state !== 'open') return false;
    this.write(op, body, seq);
    return true;
  }

  // ---- connection lifecycle ----

  dial() {
    const url =
      this.hinted.length > 0 ? this.hinted.shift() : this.urls[this.next++ % this.urls.length];
    this.url = url;
    this.reason = '';
    let ws;
    try {
      ws = new this.WebSocket(url);
    } catch (e) {
      this.onError(e);
      this.lost({ code: 0, reason: `cannot open ${url}: ${e.message}` });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const seq = this.nextSeq();
      this.write(Op.AUTH, JSON.stringify(this.authBody()), seq);
      this.timer = this.timers.setTimeout(
        () => this.drop(4008, 'no AUTH_REPLY in time'),
        this.options.authTimeoutMs,
      );
    };
    ws.onmessage = (event) => {
      if (this.ws === ws) this.receive(event.data);
    };
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (this.ws === ws) this.lost(event);
    };
  }

  authBody() {
    const { mid = 0, key = '', room_id = '', platform = 'web', accepts = [], ...rest } = this.auth;
    // An accepts list filters what the Comet pushes: in version 2 keep chat's ops (messages,
    // receipts, notices) in it, as the Java SDK does. An empty list already accepts every op.
    const chatOps = [Op.CHAT_MESSAGE, Op.CHAT_RECEIPT, Op.CHAT_NOTICE];
    const withChat =
      this.options.version === 2 && accepts.length > 0
        ? [...accepts, ...chatOps.filter((op) => !accepts.includes(op))]
        : accepts;
    return { mid, key, room_id, platform, accepts: withChat, ...rest };
  }

  receive(data) {
    let frames;
    try {
      frames = decodeMessage(data);
    } catch (e) {
      this.onError(e);
      this.drop(4002, e.message);
      return;
    }
    for (const frame of frames) {
      if (this.ws === null) return;
      this.dispatch(frame);
    }
  }

  dispatch(frame) {
    const { op, seq, body } = frame;
    switch (op) {
      case Op.AUTH_REPLY:
        return this.authenticated(body);
      case Op.HEARTBEAT_REPLY:
        this.awaitingBeat = false;
        if (body.length >= 4) {
          this.onOnline(new DataView(body.buffer, body.byteOffset, 4).getInt32(0));
        }
        return;
      case Op.DISCONNECT_REPLY:
        this.reason = text(body);
        return;
      case Op.RECONNECT:
        return this.redirected(body);
      case Op.MESSAGE:
        return this.delivery.pushed(frame);
      case Op.CHAT_NOTICE:
        return this.chat.noticed(body);
      case Op.INBOX_NOTICE: {
        let notice;
        try {
          notice = decodeNotice(body);
        } catch (e) {
          return this.onError(e);
        }
        return this.delivery.notice(notice);
      }
      default: {
        const waiting = seq !== 0 ? this.pending.get(seq) : undefined;
        if (waiting && waiting.replyOp === op) {
          this.pending.delete(seq);
          this.timers.clearTimeout(waiting.timer);
          waiting.resolve(frame);
          return;
        }
        if (op === Op.SYNC_REPLY) return; // to a SYNC given up already
        this.onMessage(op, body, seq);
      }
    }
  }

  authenticated(body) {
    this.timers.clearTimeout(this.timer);
    let reply = {};
    if (body.length > 0) {
      try {
        reply = JSON.parse(text(body));
      } catch {
        reply = {};
      }
    }
    if (typeof reply.key === 'string' && reply.key !== '') this.auth.key = reply.key;
    const serverMs = Number(reply.heartbeat_ms) > 0 ? Number(reply.heartbeat_ms) : Infinity;
    const heartbeatMs = Math.min(this.options.heartbeatMs, serverMs);
    this.state = 'open';
    this.attempt = 0;
    const mid = reply.mid ?? this.auth.mid ?? 0;
    this.info = { url: this.url, version: this.options.version, mid, key: this.auth.key ?? '', heartbeatMs };
    this.heartbeat(heartbeatMs);
    for (const room of this.rooms) {
      this.request(Op.JOIN_ROOM, room).catch((e) => this.onError(e));
    }
    this.onOpen(this.info);
    if (this.state === 'open') this.delivery.connected(mid);
    if (this.state === 'open') this.chat.connected(mid);
  }

  heartbeat(intervalMs) {
    if (this.awaitingBeat) {
      // The previous heartbeat went unanswered for a whole interval: the link is dead.
      this.drop(4000, 'heartbeat timeout');
      return;
    }
    this.awaitingBeat = true;
    this.write(Op.HEARTBEAT, null, this.nextSeq());
    this.beat = this.timers.setTimeout(() => this.heartbeat(intervalMs), intervalMs);
  }

  redirected(body) {
    const { reason, urls } = reconnectTargets(body, this.url);
    this.hinted = urls;
    this.attempt = 0;
    // Move now, to the first hint (else the next URL), without waiting for the close handshake.
    this.drop(1000, `reconnect: ${reason || 'asked by the server'}`, urls.length > 0 ? 0 : undefined);
  }

  /** Closes the socket on our side and handles the loss at once (a dead link may never report). */
  drop(code, reason, delayMs) {
    const ws = this.ws;
    if (!ws) return;
    this.reason = this.reason || reason;
    this.lost({ code, reason }, delayMs);
    try {
      ws.close(code, reason.slice(0, 100));
    } catch {
      ws.close();
    }
  }

  lost(event, delayMs) {
    const wasOpen = this.state === 'open';
    this.teardown(this.reason || event.reason || 'connection closed');
    const reconnect = this.state !== 'closed' && this.options.reconnect;
    const delay = !reconnect
      ? -1
      : (delayMs ?? backoffDelay(this.attempt++, this.options.backoff, this.random));
    if (this.state !== 'closed') this.state = reconnect ? 'connecting' : 'closed';
    if (!reconnect) this.chat.closed();
    const reason = this.reason || event.reason || '';
    this.onClose({ code: event.code ?? 0, reason, wasOpen, reconnectInMs: delay });
    if (reconnect) this.timer = this.timers.setTimeout(() => this.dial(), delay);
  }

  teardown(why) {
    this.delivery.closed();
    this.timers.clearTimeout(this.timer);
    this.timers.clearTimeout(this.beat);
    this.beat = null;
    this.awaitingBeat = false;
    if (this.ws) {
      this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
      this.ws = null;
    }
    for (const [, waiting] of this.pending) {
      this.timers.clearTimeout(waiting.timer);
      waiting.reject(new RequestError(why));
    }
    this.pending.clear();
  }

  write(op, body, seq) {
    this.ws.send(encodeFrame({ op, seq, body, version: this.options.version }));
  }

  nextSeq() {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    return this.seq;
  }
}
