// Prints PackStream / Bolt golden byte vectors made by the official JS driver's packer and
// chunker (neo4j-driver-bolt-connection), for tests/unit/neo4j/packstream_test.cc.
// Usage: node tests/bolt_server/golden.js   (output pasted into the C++ test as snapshots)
'use strict';
const { packstream, channel } = require('neo4j-driver-bolt-connection');
const { int } = require('neo4j-driver-core');
const { Structure } = packstream.structure;

function pack(value, { chunked = false, chunkSize } = {}) {
  const out = [];
  const ch = { write(buf) { out.push(Buffer.from(buf._buffer.subarray(0, buf.length))); } };
  const chunker = new channel.Chunker(ch, chunkSize);
  const packer = new packstream.v2.Packer(chunker);
  packer.packable(value)();
  if (chunked) chunker.messageBoundary();
  chunker.flush();
  const all = Buffer.concat(out);
  return chunked ? all : dechunk(all);
}

// Strip the chunk headers the chunker always adds, to get the bare PackStream bytes.
function dechunk(buf) {
  const parts = [];
  let i = 0;
  while (i < buf.length) {
    const n = buf.readUInt16BE(i);
    i += 2;
    parts.push(buf.subarray(i, i + n));
    i += n;
  }
  return Buffer.concat(parts);
}

const cases = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['int_0', int(0)],
  ['int_minus_16', int(-16)],
  ['int_minus_17', int(-17)],
  ['int_127', int(127)],
  ['int_128', int(128)],
  ['int_minus_128', int(-128)],
  ['int_minus_129', int(-129)],
  ['int_32767', int(32767)],
  ['int_32768', int(32768)],
  ['int_minus_32769', int(-32769)],
  ['int_2147483648', int('2147483648')],
  ['int_min64', int('-9223372036854775808')],
  ['int_max64', int('9223372036854775807')],
  ['float_1_5', 1.5],
  ['float_minus_0_1', -0.1],
  ['string_empty', ''],
  ['string_a', 'a'],
  ['string_15', 'x'.repeat(15)],
  ['string_16', 'x'.repeat(16)],
  ['string_256', 'y'.repeat(256)],
  ['string_utf8', 'Größe→🙂'],
  ['bytes_3', new Int8Array([1, 2, -1])],
  ['list_empty', []],
  ['list_mixed', [int(1), 'two', null, true, 2.5]],
  ['list_16', Array.from({ length: 16 }, (_, i) => int(i))],
  ['map_empty', {}],
  ['map_one', { id: 'abc' }],
  ['map_nested', { rows: [{ id: 'n1', lineno: int(3) }], n: int(-1) }],
  ['map_16', Object.fromEntries(Array.from({ length: 16 }, (_, i) => ['k' + i.toString(16), int(i)]))],
  ['struct_node', new Structure(0x4e, [int(7), ['ASTNode', 'Name'], { id: 'x' }, '4:abc:7'])],
  ['struct_date', new Structure(0x44, [int(19000)])],
  ['struct_point2d', new Structure(0x58, [int(7203), 1.5, -2.0])],
  ['struct_duration', new Structure(0x45, [int(14), int(3), int(59), int(5000)])],
  ['msg_run', new Structure(0x10, ['RETURN $x AS x', { x: int(1) }, {}])],
  ['msg_pull_all', new Structure(0x3f, [{ n: int(-1) }])],
];
for (const [name, value] of cases) console.log(`${name} ${pack(value).toString('hex')}`);

// Framing: a 70,000-byte string message, chunked by the official chunker with the largest
// chunk size, and a small message.
const big = pack('z'.repeat(70000), { chunked: true, chunkSize: 65535 + 2 });
const sizes = [];
for (let i = 0; i < big.length;) {
  const n = big.readUInt16BE(i);
  sizes.push(n);
  i += 2 + n;
}
console.log(`chunk_sizes_70000 ${sizes.join(',')}`);
console.log(`framed_pull_all ${pack(new Structure(0x3f, [{ n: int(-1) }]), { chunked: true }).toString('hex')}`);
