import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import {
  Op,
  ProtocolError,
  crc32c,
  decodeFrame,
  decodeMessage,
  encodeBatch,
  encodeFrame,
  splitBatch,
  text,
} from '../frame.js';

const hex = (s) => Uint8Array.from(s.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const ascii = (s) => new TextEncoder().encode(s);
const AUTH = '{"mid":123,"room_id":"live://1000","platform":"web","accepts":[1000,1001]}';

test('crc32c matches the known check values', () => {
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43); // 32 bytes of ones
  const incrementing = Uint8Array.from({ length: 32 }, (_, i) => i);
  assert.equal(crc32c(incrementing), 0x46dd794e);
  const decrementing = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
  assert.equal(crc32c(decrementing), 0x113fdb5c);
});

test('crc32c continues across chunks', () => {
  const all = ascii('123456789');
  assert.equal(crc32c(all.subarray(4), crc32c(all.subarray(0, 4))), 0xe3069283);
});

test('encodes a version 1 heartbeat byte for byte', () => {
  assert.deepEqual(
    encodeFrame({ op: Op.HEARTBEAT, seq: 2 }),
    hex('00 00 00 10 00 10 00 01 00 00 00 02 00 00 00 02'),
  );
});

test('encodes a version 2 heartbeat with its CRC32C', () => {
  assert.deepEqual(
    encodeFrame({ op: Op.HEARTBEAT, seq: 2, version: 2 }),
    hex('00 00 00 14 00 14 00 02 00 00 00 02 00 00 00 02 f5 28 9c 7c'),
  );
});

test('round trips every version, op and body kind', () => {
  for (const version of [1, 2]) {
    for (const body of ['', 'hi', ascii('bytes'), new Uint8Array(5000).fill(7).buffer]) {
      const bytes = encodeFrame({ op: 1000, seq: 42, body, version });
      const { frame, next } = decodeFrame(bytes);
      assert.equal(next, bytes.length);
      assert.equal(frame.version, version);
      assert.equal(frame.op, 1000);
      assert.equal(frame.seq, 42);
      assert.deepEqual(frame.body, typeof body === 'string' ? ascii(body) : new Uint8Array(body));
    }
  }
});

test('decodes the heartbeat reply and its online count', () => {
  for (const bytes of [
    hex('00 00 00 14 00 10 00 01 00 00 00 03 00 00 00 02 00 00 00 0c'),
    hex('00 00 00 18 00 14 00 02 00 00 00 03 00 00 00 02 1e 10 39 49 00 00 00 0c'),
  ]) {
    const [frame] = decodeMessage(bytes.buffer);
    assert.equal(frame.op, Op.HEARTBEAT_REPLY);
    assert.equal(frame.seq, 2);
    assert.equal(new DataView(frame.body.buffer, frame.body.byteOffset).getInt32(0), 12);
  }
});

test('splits an op-9 batch in both versions', () => {
  for (const version of [1, 2]) {
    const frames = decodeMessage(encodeBatch([{ op: 1000, body: 'hi' }, { op: 1001, body: 'yo' }], { version }));
    assert.deepEqual(frames.map((f) => [f.op, text(f.body), f.version]), [
      [1000, 'hi', version],
      [1001, 'yo', version],
    ]);
  }
});

test('encodes the batches of the protocol document', () => {
  const batch = encodeBatch([{ op: 1000, body: 'hi' }, { op: 1000, body: 'yo' }]);
  assert.deepEqual(
    batch,
    hex(`00 00 00 34 00 10 00 01 00 00 00 09 00 00 00 00
         00 00 00 12 00 10 00 01 00 00 03 e8 00 00 00 00
         68 69 00 00 00 12 00 10 00 01 00 00 03 e8 00 00
         00 00 79 6f`),
  );
  assert.deepEqual(
    encodeBatch([{ op: 1000, body: 'hi' }, { op: 1000, body: 'yo' }], { version: 2 }),
    hex(`00 00 00 40 00 14 00 02 00 00 00 09 00 00 00 00
         57 61 60 7d 00 00 00 16 00 14 00 02 00 00 03 e8
         00 00 00 00 31 2e 68 58 68 69 00 00 00 16 00 14
         00 02 00 00 03 e8 00 00 00 00 3b e8 e6 46 79 6f`),
  );
});

test('an empty batch delivers nothing', () => {
  assert.deepEqual(decodeMessage(encodeBatch([])), []);
});

test('refuses a bad checksum', () => {
  const bytes = encodeFrame({ op: 1000, body: 'hi', version: 2 });
  bytes[bytes.length - 1] ^= 1;
  assert.throws(() => decodeFrame(bytes), (e) => e instanceof ProtocolError && e.error === 'bad_checksum');
});

test('refuses bad headers and lengths', () => {
  const tagged = (error) => (e) => e instanceof ProtocolError && e.error === error;
  const frame = encodeFrame({ op: 1000, body: 'hi' });
  const badHeader = frame.slice();
  badHeader[5] = 18;
  assert.throws(() => decodeFrame(badHeader), tagged('bad_header'));
  const v2WrongVer = encodeFrame({ op: 1000, version: 2 });
  v2WrongVer[7] = 1;
  assert.throws(() => decodeFrame(v2WrongVer), tagged('bad_header'));
  assert.throws(() => decodeFrame(frame.subarray(0, 10)), tagged('bad_packet_length'));
  assert.throws(() => decodeFrame(frame.subarray(0, frame.length - 1)), tagged('bad_packet_length'));
  const negative = frame.slice();
  negative[0] = 0xff;
  assert.throws(() => decodeFrame(negative), tagged('bad_packet_length'));
  const trailing = new Uint8Array(frame.length + 1);
  trailing.set(frame);
  assert.throws(() => decodeMessage(trailing), tagged('bad_packet_length'));
});

test('refuses malformed batches', () => {
  const tagged = (e) => e instanceof ProtocolError && e.error === 'malformed_batch';
  const inner = encodeFrame({ op: 1000, body: 'hi' });
  assert.throws(() => splitBatch(inner.subarray(0, inner.length - 1)), tagged);
  const nested = encodeFrame({ op: Op.RAW, body: encodeBatch([{ op: 1000 }]) });
  assert.throws(() => decodeMessage(nested), tagged);
});

test('rejects an unknown version', () => {
  assert.throws(() => encodeFrame({ op: 2, version: 3 }), RangeError);
});

// The byte examples of docs/protocol.md: what the server's ProtocolDocExamplesTest checks, read
// here too, so the two implementations agree on the document.
const doc = new URL('../../../docs/protocol.md', import.meta.url);

test('decodes and re-encodes every frame example of docs/protocol.md', { skip: !existsSync(doc) && 'no docs/protocol.md' }, () => {
  const examples = [...readFileSync(doc, 'utf8').matchAll(/<!-- frame: ([\w-]+) -->\s*```text\n([\s\S]*?)```/g)];
  assert.ok(examples.length >= 8, `found ${examples.length} examples`);
  for (const [, name, bytesHex] of examples) {
    const bytes = hex(bytesHex);
    const { frame, next } = decodeFrame(bytes);
    assert.equal(next, bytes.length, name);
    assert.equal(frame.version, name.endsWith('-v2') ? 2 : 1, name);
    if (frame.op === Op.RAW) {
      const inner = splitBatch(frame.body);
      assert.deepEqual(encodeBatch(inner, { version: frame.version, seq: frame.seq }), bytes, name);
    } else {
      assert.deepEqual(encodeFrame(frame), bytes, name);
    }
    if (frame.op === Op.AUTH) assert.equal(text(frame.body), AUTH, name);
  }
});
