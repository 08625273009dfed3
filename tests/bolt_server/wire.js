// A direct PackStream v2 decoder for the test server's request messages.
//
// The official driver's Unpacker (neo4j-driver-bolt-connection) decodes byte by byte through
// buffer objects, makes an Integer object per integer and defines every map key with
// Object.defineProperty; on the writer's big UNWIND parameter lists it was a quarter of the
// server's time. This decoder reads a Node Buffer directly and yields the interpreter's value
// model at once (INTEGER -> BigInt, FLOAT -> Number, maps -> plain objects, bytes -> Int8Array,
// structures -> the driver's Structure class).
//
// The official Unpacker stays the reference: server.js decodes every small message and a sample
// of the big ones with both and closes the connection, logging the difference, when they differ
// (see `crossCheck`).
'use strict';

const { packstream } = require('neo4j-driver-bolt-connection');
const { isInt } = require('neo4j-driver-core');

const { Structure } = packstream.structure;

/// BigInts for -32768..32767, shared: they are immutable, and most integers we receive
/// (line and column numbers) are small, so a load keeps millions of references to few values.
const SMALL_MIN = -32768;
const SMALL = [];
for (let i = SMALL_MIN; i < 32768; i++) SMALL.push(BigInt(i));
const bigOf = (n) => (n >= SMALL_MIN && n < 32768 ? SMALL[n - SMALL_MIN] : BigInt(n));

/// Short strings stored under keys other than ids (file names, node types, identifiers, context
/// names) repeat across millions of rows: one copy each instead of one per row.
const INTERN_MAX_LENGTH = 64;
const UNIQUE_KEYS = new Set(['id', 'src', 'dst']);
let interned = new Map();
function intern(s) {
  const x = interned.get(s);
  if (x !== undefined) return x;
  if (interned.size >= (1 << 20)) interned = new Map();
  interned.set(s, s);
  return s;
}

class DecodeError extends Error {}

class Reader {
  constructor(buf) {
    this.b = buf;
    this.p = 0;
  }
  need(n) {
    if (this.p + n > this.b.length) throw new DecodeError(`truncated value at byte ${this.p}`);
  }
  u8() { this.need(1); return this.b[this.p++]; }
  u16() { this.need(2); const v = this.b.readUInt16BE(this.p); this.p += 2; return v; }
  u32() { this.need(4); const v = this.b.readUInt32BE(this.p); this.p += 4; return v; }
  string(n) {
    this.need(n);
    const s = this.b.toString('utf8', this.p, this.p + n);
    this.p += n;
    return s;
  }

  value() {
    const m = this.u8();
    const hi = m & 0xf0;
    if (m < 0x80) return SMALL[m - SMALL_MIN];
    if (m >= 0xf0) return SMALL[m - 256 - SMALL_MIN];
    if (hi === 0x80) return this.string(m & 0x0f);
    if (hi === 0x90) return this.list(m & 0x0f);
    if (hi === 0xa0) return this.map(m & 0x0f);
    if (hi === 0xb0) return this.struct(m & 0x0f);
    const b = this.b;
    switch (m) {
      case 0xc0: return null;
      case 0xc1: { this.need(8); const v = b.readDoubleBE(this.p); this.p += 8; return v; }
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc8: { this.need(1); const v = b.readInt8(this.p); this.p += 1; return bigOf(v); }
      case 0xc9: { this.need(2); const v = b.readInt16BE(this.p); this.p += 2; return bigOf(v); }
      case 0xca: { this.need(4); const v = b.readInt32BE(this.p); this.p += 4; return bigOf(v); }
      case 0xcb: { this.need(8); const v = b.readBigInt64BE(this.p); this.p += 8; return v; }
      case 0xcc: return this.bytes(this.u8());
      case 0xcd: return this.bytes(this.u16());
      case 0xce: return this.bytes(this.u32());
      case 0xd0: return this.string(this.u8());
      case 0xd1: return this.string(this.u16());
      case 0xd2: return this.string(this.u32());
      case 0xd4: return this.list(this.u8());
      case 0xd5: return this.list(this.u16());
      case 0xd6: return this.list(this.u32());
      case 0xd8: return this.map(this.u8());
      case 0xd9: return this.map(this.u16());
      case 0xda: return this.map(this.u32());
      case 0xdc: return this.struct(this.u8());
      case 0xdd: return this.struct(this.u16());
      default: throw new DecodeError(`Unknown packed value with marker ${m.toString(16)}`);
    }
  }
  bytes(n) {
    this.need(n);
    const v = new Int8Array(n);
    for (let i = 0; i < n; i++) v[i] = this.b.readInt8(this.p + i);
    this.p += n;
    return v;
  }
  list(n) {
    const v = new Array(n);
    for (let i = 0; i < n; i++) v[i] = this.value();
    return v;
  }
  map(n) {
    const o = {};
    for (let i = 0; i < n; i++) {
      const k = this.value();
      let v = this.value();
      if (typeof v === 'string' && v.length <= INTERN_MAX_LENGTH && !UNIQUE_KEYS.has(k)) v = intern(v);
      // As the official Unpacker: a key "__proto__" is data, never the object's prototype.
      if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
      else o[k] = v;
    }
    return o;
  }
  struct(n) {
    const sig = this.u8();
    const fields = new Array(n);
    for (let i = 0; i < n; i++) fields[i] = this.value();
    return new Structure(sig, fields);
  }
}

/// The bytes of one dechunked message (a ChannelBuffer or, over several chunks, a
/// CombinedBuffer of ChannelBuffers) as one Node Buffer.
function messageBytes(msg) {
  if (msg._buffers) return Buffer.concat(msg._buffers.map(messageBytes));
  const b = msg._buffer;
  return msg.position === 0 && msg.length === b.length ? b : b.subarray(msg.position, msg.length);
}

/// Decodes one message; the whole buffer must be one value.
function decode(buf) {
  const r = new Reader(buf);
  const v = r.value();
  if (r.p !== buf.length) throw new DecodeError(`${buf.length - r.p} bytes after the message`);
  return v;
}

/// The official Unpacker's reading of the same bytes, in the same value model.
function officialDecode(buf) {
  const ChannelBuffer = require('neo4j-driver-bolt-connection/lib/channel/channel-buf').default;
  const conv = (v) => {
    if (v === null || v === undefined) return null;
    if (isInt(v)) return v.toBigInt();
    if (Array.isArray(v)) return v.map(conv);
    if (v instanceof Int8Array) return v;
    if (v instanceof Structure) return new Structure(v.signature, v.fields.map(conv));
    if (typeof v === 'object') {
      const o = {};
      for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: conv(v[k]), writable: true, enumerable: true, configurable: true });
      return o;
    }
    return v;
  };
  return conv(new packstream.v2.Unpacker(false, false).unpack(new ChannelBuffer(buf)));
}

/// The first path where a and b differ, or null.
function difference(a, b, path = '$') {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (a === null || b === null || typeof a !== 'object') return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: list vs not`;
  if ((a instanceof Structure) !== (b instanceof Structure)) return `${path}: structure vs not`;
  if (a instanceof Structure) {
    if (a.signature !== b.signature) return `${path}: signature ${a.signature} vs ${b.signature}`;
    return difference(a.fields, b.fields, `${path}.fields`);
  }
  if ((a instanceof Int8Array) !== (b instanceof Int8Array)) return `${path}: bytes vs not`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return `${path}: ${ka.length} vs ${kb.length} entries`;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return `${path}: key ${ka[i]} vs ${kb[i]}`;
    const d = difference(a[ka[i]], b[kb[i]], `${path}.${ka[i]}`);
    if (d) return d;
  }
  return null;
}

/// Null when the official Unpacker reads `buf` as `value`, else what differs.
function crossCheck(buf, value) {
  let official;
  try {
    official = officialDecode(buf);
  } catch (e) {
    return `official unpacker failed: ${e.message}`;
  }
  return difference(value, official);
}

module.exports = { decode, messageBytes, crossCheck, DecodeError, bigOf };
