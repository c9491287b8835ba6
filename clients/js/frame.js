// Herald wire frames (docs/protocol.md): encode, decode, split op-9 batches, CRC32C.
//
// Big-endian frame: packLen int32 | headerLen int16 | ver int16 | op int32 | seq int32
// [| crc uint32, version 2 only] | body. Version 1 is goim's format byte for byte (headerLen 16);
// version 2 (headerLen 20) adds CRC32C of the first 16 header bytes followed by the body.

/** Operation numbers: goim's 0–17, Herald's 18–38 (28–38: chat); business ops are 1000 and above. */
export const Op = Object.freeze({
  HANDSHAKE: 0,
  HANDSHAKE_REPLY: 1,
  HEARTBEAT: 2,
  HEARTBEAT_REPLY: 3,
  SEND_MSG: 4,
  SEND_MSG_REPLY: 5,
  DISCONNECT_REPLY: 6,
  AUTH: 7,
  AUTH_REPLY: 8,
  RAW: 9,
  PROTO_READY: 10,
  PROTO_FINISH: 11,
  CHANGE_ROOM: 12,
  CHANGE_ROOM_REPLY: 13,
  SUB: 14,
  SUB_REPLY: 15,
  UNSUB: 16,
  UNSUB_REPLY: 17,
  ACK: 18,
  SYNC: 19,
  SYNC_REPLY: 20,
  RECONNECT: 21,
  JOIN_ROOM: 22,
  JOIN_ROOM_REPLY: 23,
  LEAVE_ROOM: 24,
  LEAVE_ROOM_REPLY: 25,
  MESSAGE: 26,
  INBOX_NOTICE: 27,
  CHAT_SEND: 28,
  CHAT_SEND_REPLY: 29,
  CHAT_LIST: 30,
  CHAT_LIST_REPLY: 31,
  CHAT_HISTORY: 32,
  CHAT_HISTORY_REPLY: 33,
  CHAT_READ: 34,
  CHAT_READ_REPLY: 35,
  CHAT_MESSAGE: 36,
  CHAT_RECEIPT: 37,
  CHAT_NOTICE: 38,
});

export const HEADER_V1 = 16;
export const HEADER_V2 = 20;

/** A frame that breaks the protocol; {@code error} is the tag of docs/protocol.md. */
export class ProtocolError extends Error {
  constructor(error, message) {
    super(`${error}: ${message}`);
    this.name = 'ProtocolError';
    this.error = error;
  }
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC32C (Castagnoli) of {@code bytes}, continuing from {@code crc} (the result of an earlier
 * call, or 0 to start). Returns an unsigned 32-bit number; crc32c("123456789") is 0xe3069283.
 */
export function crc32c(bytes, crc = 0) {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return ~c >>> 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Bytes of a body given as a string (UTF-8), Uint8Array, ArrayBuffer, typed array, or nothing. */
export function toBytes(body) {
  if (body == null) return EMPTY;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('body: expected a string, Uint8Array or ArrayBuffer');
}

/** The UTF-8 text of a body. */
export function text(body) {
  return decoder.decode(body);
}

/**
 * One frame's bytes.
 * @param {{op: number, seq?: number, body?: string|Uint8Array|ArrayBuffer, version?: 1|2}} frame
 * @returns {Uint8Array}
 */
export function encodeFrame({ op, seq = 0, body, version = 1 }) {
  if (version !== 1 && version !== 2) throw new RangeError(`version: ${version} (expected: 1 or 2)`);
  const payload = toBytes(body);
  const headerLen = version === 2 ? HEADER_V2 : HEADER_V1;
  const out = new Uint8Array(headerLen + payload.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, out.length);
  view.setInt16(4, headerLen);
  view.setInt16(6, version);
  view.setInt32(8, op);
  view.setInt32(12, seq);
  out.set(payload, headerLen);
  if (version === 2) {
    view.setUint32(16, crc32c(payload, crc32c(out.subarray(0, HEADER_V1))));
  }
  return out;
}

/** An op-9 batch: one RAW frame whose body is the given frames' bytes, concatenated. */
export function encodeBatch(frames, { seq = 0, version = 1 } = {}) {
  const parts = frames.map((f) => encodeFrame({ version, ...f }));
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  return encodeFrame({ op: Op.RAW, seq, body, version });
}

/**
 * Reads the frame at {@code offset}: {frame: {version, op, seq, body}, next}, where {@code next}
 * is the offset after it. Throws {@link ProtocolError} on a bad length, header or checksum.
 */
export function decodeFrame(bytes, offset = 0) {
  const data = toBytes(bytes);
  const left = data.length - offset;
  if (left < HEADER_V1) throw new ProtocolError('bad_packet_length', `${left} bytes, need 16`);
  const view = new DataView(data.buffer, data.byteOffset + offset, left);
  const packLen = view.getInt32(0);
  const headerLen = view.getInt16(4);
  const ver = view.getInt16(6);
  if (headerLen !== HEADER_V1 && headerLen !== HEADER_V2) {
    throw new ProtocolError('bad_header', `headerLen ${headerLen} (expected: 16 or 20)`);
  }
  if (packLen < headerLen || packLen > left) {
    throw new ProtocolError('bad_packet_length', `packLen ${packLen} with ${left} bytes`);
  }
  const version = headerLen === HEADER_V2 ? 2 : 1;
  const body = data.subarray(offset + headerLen, offset + packLen);
  if (version === 2) {
    if (ver !== 2) throw new ProtocolError('bad_header', `ver ${ver} in a 20-byte header`);
    const start = data.subarray(offset, offset + HEADER_V1);
    if (crc32c(body, crc32c(start)) !== view.getUint32(16)) {
      throw new ProtocolError('bad_checksum', `op ${view.getInt32(8)}`);
    }
  }
  return {
    frame: { version, op: view.getInt32(8), seq: view.getInt32(12), body },
    next: offset + packLen,
  };
}

/** The whole frames an op-9 body holds, in order. */
export function splitBatch(body) {
  const frames = [];
  let at = 0;
  while (at < body.length) {
    let read;
    try {
      read = decodeFrame(body, at);
    } catch (e) {
      if (e instanceof ProtocolError && e.error === 'bad_packet_length') {
        throw new ProtocolError('malformed_batch', e.message);
      }
      throw e;
    }
    if (read.frame.op === Op.RAW) throw new ProtocolError('malformed_batch', 'op 9 inside op 9');
    frames.push(read.frame);
    at = read.next;
  }
  return frames;
}

/**
 * The frames one WebSocket message delivers: the message's single frame, or the inner frames
 * when it is an op-9 batch. Bytes after the frame are an error, as on the server.
 */
export function decodeMessage(message) {
  const data = toBytes(message);
  const { frame, next } = decodeFrame(data);
  if (next !== data.length) {
    throw new ProtocolError('bad_packet_length', `${data.length - next} bytes after the frame`);
  }
  return frame.op === Op.RAW ? splitBatch(frame.body) : [frame];
}

// ---- delivery bodies (docs/protocol.md: ops 18, 19, 20, 26, 27) ----
//
// int64 fields: epochs (milliseconds) and seqs fit a JavaScript number; message ids (Snowflake)
// do not, so they travel as decimal strings.

/** A delivery body that does not have its layout: the frame is ignored, the connection stays. */
export class MalformedBodyError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MalformedBodyError';
  }
}

function need(body, bytes, what) {
  if (body.length < bytes) throw new MalformedBodyError(`${what}: ${body.length} bytes (expected: at least ${bytes})`);
  return new DataView(body.buffer, body.byteOffset, body.length);
}

/** The op-18 ACK body: an inbox position ({@code epoch}, {@code seq}; 0 for none) and message ids. */
export function encodeAck({ epoch = 0, seq = 0, ids = [] } = {}) {
  const out = new Uint8Array(16 + 8 * ids.length);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, BigInt(epoch));
  view.setBigInt64(8, BigInt(seq));
  ids.forEach((id, i) => view.setBigInt64(16 + 8 * i, BigInt(id)));
  return out;
}

/** The op-19 SYNC body: what follows {@code afterSeq} of {@code epoch} (0, 0: from the oldest). */
export function encodeSync({ epoch = 0, afterSeq = 0, limit = 0 } = {}) {
  const out = new Uint8Array(20);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, BigInt(epoch));
  view.setBigInt64(8, BigInt(afterSeq));
  view.setInt32(16, limit);
  return out;
}

/**
 * An op-26 MESSAGE body: {messageId (decimal string), epoch, seq (0, 0 when not stored), op (the
 * business op), ack (whether the server asks for an ACK of the id), body}.
 */
export function decodeEnvelope(body) {
  const view = need(body, 29, 'MESSAGE head');
  return {
    messageId: view.getBigInt64(0).toString(),
    epoch: Number(view.getBigInt64(8)),
    seq: Number(view.getBigInt64(16)),
    op: view.getInt32(24),
    ack: (view.getUint8(28) & 1) !== 0,
    body: body.subarray(29),
  };
}

/** An op-26 MESSAGE body (for tests and servers written in JavaScript). */
export function encodeEnvelope({ messageId = 0, epoch = 0, seq = 0, op, ack = false, body }) {
  const payload = toBytes(body);
  const out = new Uint8Array(29 + payload.length);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, BigInt(messageId));
  view.setBigInt64(8, BigInt(epoch));
  view.setBigInt64(16, BigInt(seq));
  view.setInt32(24, op);
  view.setUint8(28, ack ? 1 : 0);
  out.set(payload, 29);
  return out;
}

/** An op-27 INBOX_NOTICE body: {epoch, latestSeq}. */
export function decodeNotice(body) {
  if (body.length !== 16) throw new MalformedBodyError(`INBOX_NOTICE body of ${body.length} bytes (expected: 16)`);
  const view = need(body, 16, 'INBOX_NOTICE');
  return { epoch: Number(view.getBigInt64(0)), latestSeq: Number(view.getBigInt64(8)) };
}

/**
 * An op-20 SYNC_REPLY body: {epoch, oldestSeq, latestSeq, more, reset, frames} where frames are
 * the op-26 frames after the head. An empty body means the server could not sync now.
 */
export function decodeSyncReply(body) {
  const view = need(body, 25, 'SYNC_REPLY head');
  const flags = view.getUint8(24);
  let frames;
  try {
    frames = splitBatch(body.subarray(25));
  } catch (e) {
    throw new MalformedBodyError(`SYNC_REPLY messages: ${e.message}`);
  }
  return {
    epoch: Number(view.getBigInt64(0)),
    oldestSeq: Number(view.getBigInt64(8)),
    latestSeq: Number(view.getBigInt64(16)),
    more: (flags & 1) !== 0,
    reset: (flags & 2) !== 0,
    frames,
  };
}

/** An op-20 SYNC_REPLY body (for tests): the head and the given op-26 frames in {@code version}. */
export function encodeSyncReply({ epoch, oldestSeq, latestSeq, more = false, reset = false, messages = [], version = 2 }) {
  const parts = messages.map((m) => encodeFrame({ op: Op.MESSAGE, body: encodeEnvelope(m), version }));
  const out = new Uint8Array(25 + parts.reduce((n, p) => n + p.length, 0));
  const view = new DataView(out.buffer);
  view.setBigInt64(0, BigInt(epoch));
  view.setBigInt64(8, BigInt(oldestSeq));
  view.setBigInt64(16, BigInt(latestSeq));
  view.setUint8(24, (more ? 1 : 0) | (reset ? 2 : 0));
  let at = 25;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
