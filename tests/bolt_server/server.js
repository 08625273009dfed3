#!/usr/bin/env node
// The Bolt 5 test server of ast2graph's test suite (DESIGN.md section 5): a real Bolt server on
// 127.0.0.1, built on the official driver's PackStream and chunking code
// (neo4j-driver-bolt-connection), so our C++ client is checked against the official
// implementation, not against itself.
//
// It negotiates Bolt 5.0-5.4 and 4.4, runs the server state machine (FAILURE, then IGNORED
// until RESET), answers ROUTE for a simulated cluster (--cluster N listeners sharing one graph,
// one leader), can speak TLS, logs every message (credentials redacted) and injects faults.
// Statements run on an in-memory graph (cypher.js); the tests compare it with their input.
//
// Usage: node server.js [--port P] [--auth user:password] [--log FILE] [--faults JSON]
//          [--tls-cert PEM --tls-key PEM] [--cluster N] [--ttl S] [--versions 5.4,4.4]
//          [--recv-timeout S] [--log-rows N]
// --log-rows N logs only the first N items of each list in a RUN's parameters, then
// {"...": how many more} (default: every item). For loads of millions of rows, where the full log
// would be gigabytes; every message is still logged, with credentials redacted as always.
// stdout, first line: "listening <port> [<port>...]". Then it reads commands on stdin, one a
// line, and answers each with one line:
//   dump <file>        writes the graph: one canonical JSON line per node and relationship
//                      (cypher.js dump, sorted), then "schema <name>" per constraint/index
//                      in creation order                                       -> "dumped"
//   faults <json>      replaces the fault list, resets counters               -> "ok"
//   leader <k>         makes member k the cluster's writer                      -> "ok"
//   stats              -> "stats <json>" (connections, messages per type, open transactions)
// It exits when stdin closes.
'use strict';

const net = require('net');
const tls = require('tls');
const fs = require('fs');
const readline = require('readline');
const { packstream, channel } = require('neo4j-driver-bolt-connection');
const { int, isInt } = require('neo4j-driver-core');
const ChannelBuffer = require('neo4j-driver-bolt-connection/lib/channel/channel-buf').default;
const cypher = require('./cypher');
const wire = require('./wire');

const { Structure } = packstream.structure;

// ---- Options ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { port: 0, auth: null, log: null, faults: [], cert: null, key: null, cluster: 1, ttl: 300,
    versions: ['5.4', '5.3', '5.2', '5.1', '5.0', '4.4'], recvTimeout: 0, logRows: -1 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--port') o.port = Number(v());
    else if (a === '--auth') o.auth = v();
    else if (a === '--log') o.log = v();
    else if (a === '--faults') o.faults = JSON.parse(v());
    else if (a === '--tls-cert') o.cert = v();
    else if (a === '--tls-key') o.key = v();
    else if (a === '--cluster') o.cluster = Number(v());
    else if (a === '--ttl') o.ttl = Number(v());
    else if (a === '--versions') o.versions = v().split(',');
    else if (a === '--recv-timeout') o.recvTimeout = Number(v());
    else if (a === '--log-rows') o.logRows = Number(v());
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const opts = parseArgs(process.argv);
// Buffered, and written synchronously before every reply goes out (and before a connection is
// closed or a control command answered), so a test reading the log right after a reply sees
// every line, without one write system call per message.
const logFd = opts.log ? fs.openSync(opts.log, 'a') : null;
let logLines = [];
let logBytes = 0;
function flushLog() {
  if (!logLines.length) return;
  const text = logLines.join('');
  logLines = [];
  logBytes = 0;
  fs.writeSync(logFd, text);
}

// ---- Shared state ----------------------------------------------------------------------------

const graph = new cypher.Graph();
const members = [];   // {port, server}
let leader = 0;
let faults = opts.faults;
const counters = new Map();   // message name (or name:match) -> count across connections
const stats = { connections: 0, messages: {}, commits: 0, rollbacks: 0 };
let nextConnection = 0;
let nextBookmark = 0;
let bigMessages = 0;  // messages over 4 KiB, for sampling the decoder cross-check

// One writer at a time (serializable, like Neo4j's locks for our workload): a transaction takes
// the lock at its first RUN and holds it until COMMIT/ROLLBACK/RESET or its connection closes.
let lockOwner = null;
const lockWaiters = [];
function acquireLock(session) {
  if (lockOwner === null || lockOwner === session) { lockOwner = session; return Promise.resolve(); }
  return new Promise((resolve) => lockWaiters.push({ session, resolve }));
}
function releaseLock(session) {
  if (lockOwner !== session) return;
  lockOwner = null;
  while (lockWaiters.length) {
    const w = lockWaiters.shift();
    if (w.session.closed) continue;
    lockOwner = w.session;
    w.resolve();
    return;
  }
}

const bigintAsNumber = (k, v) => (typeof v === 'bigint' ? Number(v) : v);
function log(entry) {
  if (logFd === null) return;
  const line = `${JSON.stringify(entry, bigintAsNumber)}\n`;
  logLines.push(line);
  logBytes += line.length;
  if (logBytes > (8 << 20)) flushLog();
}
process.on('exit', flushLog);

// Converts unpacked driver values into plain JS values for the interpreter: Integer -> BigInt.
function fromWire(v) {
  if (v === null || v === undefined) return null;
  if (isInt(v)) return v.toBigInt();
  if (Array.isArray(v)) return v.map(fromWire);
  if (v instanceof Int8Array) return v;
  if (v instanceof Structure) return new Structure(v.signature, v.fields.map(fromWire));
  if (typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) o[k] = fromWire(v[k]); return o; }
  return v;
}

// And back: BigInt -> Integer, graph entities -> Bolt structures.
function toWire(v, version) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return int(v.toString());
  if (Array.isArray(v)) return v.map((x) => toWire(x, version));
  if (v instanceof cypher.Node) {
    const fields = [int(v.iid), [...v.labels], propsWire(v, version)];
    if (version.major >= 5) fields.push(`4:test:${v.iid}`);
    return new Structure(0x4e, fields);
  }
  if (v instanceof cypher.Rel) {
    const fields = [int(v.iid), int(v.start.iid), int(v.end.iid), v.type, propsWire(v, version)];
    if (version.major >= 5) fields.push(`5:test:${v.iid}`, `4:test:${v.start.iid}`, `4:test:${v.end.iid}`);
    return new Structure(0x52, fields);
  }
  if (typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) o[k] = toWire(v[k], version); return o; }
  return v;
}
function propsWire(e, version) { const o = {}; for (const [k, x] of e.props) o[k] = toWire(x, version); return o; }

function redact(name, fields) {
  if ((name === 'HELLO' || name === 'LOGON') && fields[0] && typeof fields[0] === 'object') {
    const m = { ...fields[0] };
    if ('credentials' in m) m.credentials = '<redacted>';
    return [m, ...fields.slice(1)];
  }
  return fields;
}

/// `v` with every list longer than --log-rows cut to that many items and a count of the rest.
function clipLists(v) {
  if (Array.isArray(v)) {
    const head = v.slice(0, opts.logRows).map(clipLists);
    if (v.length > opts.logRows) head.push({ '...': v.length - opts.logRows });
    return head;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Structure) && !(v instanceof Int8Array)) {
    const o = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: clipLists(v[k]), enumerable: true });
    return o;
  }
  return v;
}

const REQUESTS = { 0x01: 'HELLO', 0x02: 'GOODBYE', 0x0f: 'RESET', 0x10: 'RUN', 0x11: 'BEGIN', 0x12: 'COMMIT',
  0x13: 'ROLLBACK', 0x2f: 'DISCARD', 0x3f: 'PULL', 0x54: 'TELEMETRY', 0x66: 'ROUTE', 0x6a: 'LOGON', 0x6b: 'LOGOFF' };

/// The fault that fires for this occurrence of a message, if any. A fault is
/// {on: "RUN"|"COMMIT"|..., nth: N (1-based, counted over all connections), times: K (default 1),
///  match: substring of the query (RUN only), action: "failure"|"drop"|"drop_after"|"delay",
///  code, message, ms}.
function faultFor(name, query) {
  for (const f of faults) {
    if (f.on !== name) continue;
    if (f.match && !(query || '').includes(f.match)) continue;
    const key = JSON.stringify(f);
    const n = (counters.get(key) || 0) + 1;
    counters.set(key, n);
    const times = f.times === undefined ? 1 : f.times;
    if (n >= (f.nth || 1) && (times < 0 || n < (f.nth || 1) + times)) return f;
  }
  return null;
}

// ---- One connection --------------------------------------------------------------------------

class Session {
  constructor(socket, member) {
    this.socket = socket;
    this.member = member;
    this.id = `bolt-${nextConnection++}`;
    this.state = 'NEGOTIATION';
    this.version = null;
    this.handshake = Buffer.alloc(0);
    this.inbox = [];
    this.busy = false;
    this.closed = false;
    this.tx = null;          // open explicit transaction
    this.results = [];       // pending results [{records, columns, qid}]
    this.lastQid = -1;
    this.db = null;
    this.out = [];
    const self = this;
    this.chunker = new channel.Chunker({ write(buf) { self.out.push(Buffer.from(buf._buffer.subarray(0, buf.length))); } });
    this.packer = new packstream.v2.Packer(this.chunker);
    this.dechunker = new channel.Dechunker();
    this.dechunker.onmessage = (buf) => this.onMessage(buf);
    stats.connections++;
    // Replies are small and the client waits for them: without TCP_NODELAY, Nagle's algorithm
    // holds each one back until the client's delayed ACK (~40 ms a round trip).
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  onData(data) {
    if (this.closed) return;
    if (this.state === 'NEGOTIATION') {
      this.handshake = Buffer.concat([this.handshake, data]);
      if (this.handshake.length < 20) return;
      const hs = this.handshake;
      const rest = hs.subarray(20);
      if (hs.readUInt32BE(0) !== 0x6060b017) { log({ conn: this.id, dir: 'C', msg: 'bad magic' }); this.close(); return; }
      this.version = this.negotiate(hs.subarray(4, 20));
      const reply = Buffer.alloc(4);
      if (this.version) reply.writeUInt8(this.version.minor, 2), reply.writeUInt8(this.version.major, 3);
      log({ conn: this.id, member: this.member.index, dir: 'S', msg: 'HANDSHAKE', version: this.version ? `${this.version.major}.${this.version.minor}` : 'none' });
      flushLog();
      this.socket.write(reply);
      if (!this.version) { this.socket.end(); this.closed = true; return; }
      this.state = 'CONNECTED';
      if (rest.length) this.feed(rest);
      return;
    }
    this.feed(data);
  }

  feed(data) {
    try {
      this.dechunker.write(new ChannelBuffer(data));
    } catch (e) {
      log({ conn: this.id, error: `framing: ${e.message}` });
      this.close();
    }
  }

  negotiate(proposals) {
    const supported = opts.versions.map((s) => { const [ma, mi] = s.split('.').map(Number); return { major: ma, minor: mi }; });
    for (let i = 0; i < 4; i++) {
      const major = proposals[i * 4 + 3];
      const minor = proposals[i * 4 + 2];
      const range = proposals[i * 4 + 1];
      if (major === 0 && minor === 0) continue;
      for (const v of supported) {
        if (v.major === major && v.minor <= minor && v.minor >= minor - range) return v;
      }
    }
    return null;
  }

  onMessage(buf) {
    let value;
    const bytes = wire.messageBytes(buf);
    try {
      value = wire.decode(bytes);
    } catch (e) {
      if (!(e instanceof wire.DecodeError) && !(e instanceof RangeError)) throw e;
      value = undefined;  // the official Unpacker below decides, and reports its own error
    }
    // The official Unpacker is the reference: it reads every small message (all but RUN's big
    // parameter lists) and one in 16 of the big ones too, and a difference closes the connection.
    if (value === undefined || bytes.length <= 4096 || (++bigMessages & 15) === 1) {
      const diff = value === undefined ? null : wire.crossCheck(bytes, value);
      if (value === undefined || diff) {
        try {
          value = fromWire(new packstream.v2.Unpacker(false, false).unpack(new ChannelBuffer(bytes)));
        } catch (e) {
          log({ conn: this.id, error: `unpack: ${e.message}` });
          this.close();
          return;
        }
        if (diff) {
          log({ conn: this.id, error: `internal: PackStream decoders differ at ${diff}` });
          this.close();
          return;
        }
      }
    }
    if (!(value instanceof Structure)) { this.close(); return; }
    this.inbox.push(value);
    this.pump();
  }

  async pump() {
    if (this.busy) return;
    this.busy = true;
    try {
      // Replies to messages the client pipelined go out in one write, after the last of them
      // (and before any wait: see run() and the delay fault).
      while (this.inbox.length && !this.closed) {
        const m = this.inbox.shift();
        await this.handle(m.signature, m.fields);
        if (!this.inbox.length) this.flush();
      }
    } catch (e) {
      log({ conn: this.id, error: `internal: ${e.stack}` });
      this.close();
    }
    this.busy = false;
  }

  send(signature, fields) {
    log({ conn: this.id, dir: 'S', msg: { 0x70: 'SUCCESS', 0x71: 'RECORD', 0x7e: 'IGNORED', 0x7f: 'FAILURE' }[signature], fields });
    const wire = fields.map((f) => toWire(f, this.version));
    this.packer.packStruct(signature, wire.map((f) => this.packer.packable(f)));
    this.chunker.messageBoundary();
  }
  success(meta = {}) { this.send(0x70, [meta]); }
  failure(code, message) {
    this.send(0x7f, [{ code, message }]);
    this.failTx();
    this.state = 'FAILED';
  }
  ignored() { this.send(0x7e, []); }
  flush() {
    this.chunker.flush();
    flushLog();
    if (this.out.length && !this.closed) this.socket.write(Buffer.concat(this.out));
    this.out = [];
  }

  failTx() {
    if (this.tx) { this.tx.rollback(); this.tx = null; stats.rollbacks++; }
    this.results = [];
    releaseLock(this);
  }

  close() {
    if (this.closed) return;
    // Replies of the messages before the one that closes (still coalesced) go out first.
    if (!this.socket.destroyed && this.socket.writable) this.flush();
    this.closed = true;
    this.failTx();
    flushLog();
    this.socket.destroy();
  }

  async handle(sig, fields) {
    const name = REQUESTS[sig] || `0x${sig.toString(16)}`;
    const query = sig === 0x10 ? fields[0] : undefined;
    if (logFd !== null) {
      const logged = name === 'RUN' && opts.logRows >= 0 ? fields.map((f, i) => (i === 1 ? clipLists(f) : f)) : redact(name, fields);
      log({ conn: this.id, member: this.member.index, dir: 'C', msg: name, state: this.state, fields: logged });
    }
    stats.messages[name] = (stats.messages[name] || 0) + 1;
    if (!REQUESTS[sig]) { this.close(); return; }
    if (this.version.major === 4 && ['LOGON', 'LOGOFF', 'TELEMETRY'].includes(name)) { this.close(); return; }
    if (name === 'TELEMETRY' && !(this.version.major === 5 && this.version.minor >= 4)) { this.close(); return; }

    const fault = faultFor(name, query);
    if (fault) {
      log({ conn: this.id, fault });
      flushLog();
      if (fault.action === 'delay') {
        this.flush();
        await new Promise((r) => setTimeout(r, fault.ms || 1000));
        if (this.closed) return;  // the client gave up: nothing of this message happens
      }
      if (fault.action === 'drop') { this.close(); return; }
      if (fault.action === 'failure' && this.state !== 'FAILED') {
        this.failure(fault.code || 'Neo.TransientError.General.DatabaseUnavailable', fault.message || 'injected failure');
        if ((fault.code || '').startsWith('Neo.ClientError.Security.')) { this.flush(); this.close(); }
        return;
      }
    }

    if (name === 'GOODBYE') { this.close(); return; }
    if (name === 'RESET') {
      this.failTx();
      this.state = this.state === 'CONNECTED' || this.state === 'AUTHENTICATION' ? this.state : 'READY';
      this.success();
      return;
    }
    if (this.state === 'FAILED') { this.ignored(); return; }

    switch (this.state) {
      case 'CONNECTED':
        if (name !== 'HELLO') { this.close(); return; }
        return this.hello(fields[0] || {});
      case 'AUTHENTICATION':
        if (name !== 'LOGON') { this.close(); return; }
        return this.logon(fields[0] || {});
      default: break;
    }

    try {
      switch (name) {
        case 'LOGOFF':
          if (this.state !== 'READY') return this.invalid(name);
          this.state = 'AUTHENTICATION';
          return this.success();
        case 'TELEMETRY':
          if (this.state !== 'READY') return this.invalid(name);
          return this.success();
        case 'ROUTE':
          if (this.state !== 'READY') return this.invalid(name);
          return this.route(fields);
        case 'BEGIN':
          if (this.state !== 'READY') return this.invalid(name);
          this.tx = new cypher.Tx(graph);
          this.txMeta = fields[0] || {};
          this.state = 'TX_READY';
          return this.success();
        case 'RUN':
          return await this.run(fault, fields[0], fields[1] || {}, fields[2] || {});
        case 'PULL':
        case 'DISCARD':
          return this.stream(name, fields[0] || {});
        case 'COMMIT':
          if (this.state !== 'TX_READY') return this.invalid(name);
          return this.commit(fault);
        case 'ROLLBACK':
          if (this.state !== 'TX_READY' && this.state !== 'TX_STREAMING') return this.invalid(name);
          this.failTx();
          this.state = 'READY';
          return this.success();
        case 'HELLO':
        case 'LOGON':
          return this.invalid(name);
        default:
          return this.invalid(name);
      }
    } catch (e) {
      if (e instanceof cypher.CypherError) return this.failure(e.code, e.message);
      throw e;
    }
  }

  invalid(name) {
    this.failure('Neo.ClientError.Request.Invalid', `Message '${name}' cannot be handled by a session in the ${this.state} state.`);
  }

  checkAuth(meta) {
    if (!opts.auth) return true;
    const [user, ...rest] = opts.auth.split(':');
    return meta.scheme === 'basic' && meta.principal === user && meta.credentials === rest.join(':');
  }

  authFailure() {
    this.failure('Neo.ClientError.Security.Unauthorized', 'The client is unauthorized due to authentication failure.');
    this.flush();
    this.close();
  }

  hello(meta) {
    const v = this.version;
    if (typeof meta.user_agent !== 'string' || !meta.user_agent) return this.authFailureOr('Neo.ClientError.Request.Invalid', 'HELLO without user_agent');
    if (v.major === 5 && v.minor >= 3 && (typeof meta.bolt_agent !== 'object' || !meta.bolt_agent || !meta.bolt_agent.product)) {
      return this.authFailureOr('Neo.ClientError.Request.Invalid', 'HELLO without bolt_agent (required from Bolt 5.3)');
    }
    const authInHello = v.major === 4 || (v.major === 5 && v.minor === 0);
    if (authInHello && !this.checkAuth(meta)) return this.authFailure();
    if (!authInHello && ('credentials' in meta || 'principal' in meta)) {
      return this.authFailureOr('Neo.ClientError.Request.Invalid', 'credentials belong in LOGON from Bolt 5.1');
    }
    const reply = { server: 'Neo4j/5.26.0', connection_id: this.id };
    if (opts.recvTimeout) reply.hints = { 'connection.recv_timeout_seconds': BigInt(opts.recvTimeout) };
    this.state = authInHello ? 'READY' : 'AUTHENTICATION';
    this.success(reply);
  }

  authFailureOr(code, message) {
    this.failure(code, message);
    this.flush();
    this.close();
  }

  logon(meta) {
    if (!this.checkAuth(meta)) return this.authFailure();
    this.state = 'READY';
    this.success();
  }

  route(fields) {
    const extra = fields[2] || {};
    if (extra.db && extra.db !== 'neo4j') {
      return this.failure('Neo.ClientError.Database.DatabaseNotFound', `Database does not exist. Database name: '${extra.db}'.`);
    }
    const addr = (m) => `127.0.0.1:${m.port}`;
    const servers = [
      { addresses: [addr(members[leader])], role: 'WRITE' },
      { addresses: members.filter((m, i) => i !== leader || members.length === 1).map(addr), role: 'READ' },
      { addresses: members.map(addr), role: 'ROUTE' },
    ];
    this.success({ rt: { ttl: BigInt(opts.ttl), db: 'neo4j', servers } });
  }

  async run(fault, query, params, meta) {
    const inTx = this.state === 'TX_READY' || this.state === 'TX_STREAMING';
    if (!inTx && this.state !== 'READY') return this.invalid('RUN');
    if (typeof query !== 'string') return this.failure('Neo.ClientError.Request.Invalid', 'RUN without a query string');
    const db = (inTx ? this.txMeta.db : meta.db) || 'neo4j';
    if (db !== 'neo4j') return this.failure('Neo.ClientError.Database.DatabaseNotFound', `Database does not exist. Database name: '${db}'.`);
    let write;
    try {
      write = cypher.isWrite(query);
    } catch (e) {
      if (e instanceof cypher.CypherError) return this.failure(e.code, e.message);
      throw e;
    }
    if (write && this.member.index !== leader) {
      return this.failure('Neo.ClientError.Cluster.NotALeader', 'No write operations are allowed on this database. This is a read only Neo4j instance.');
    }
    const mode = inTx ? this.txMeta.mode : meta.mode;
    if (write && mode === 'r') {
      return this.failure('Neo.ClientError.Statement.AccessMode', 'Writing in read access mode not allowed.');
    }
    if (lockOwner !== null && lockOwner !== this) this.flush();  // replies so far, before waiting
    await acquireLock(this);
    if (this.closed) { releaseLock(this); return; }
    const autoCommit = !inTx;
    const tx = inTx ? this.tx : new cypher.Tx(graph);
    const t0 = process.hrtime.bigint();
    let result;
    try {
      result = cypher.execute(graph, tx, query, params);
    } catch (e) {
      if (autoCommit) { tx.rollback(); releaseLock(this); }
      throw e;
    }
    if (autoCommit) { releaseLock(this); stats.commits++; }
    const tFirst = (process.hrtime.bigint() - t0) / 1000000n;
    const qid = inTx ? ++this.lastQid : -1;
    this.results.push({ qid, records: result.records, write: result.wrote, autoCommit });
    this.state = inTx ? 'TX_STREAMING' : 'STREAMING';
    const reply = { fields: result.columns, t_first: tFirst };
    if (inTx) reply.qid = BigInt(qid);
    this.success(reply);
  }

  stream(name, meta) {
    if (this.state !== 'STREAMING' && this.state !== 'TX_STREAMING') return this.invalid(name);
    const n = meta.n === undefined ? -1n : meta.n;
    const qid = meta.qid === undefined ? -1n : meta.qid;
    const idx = qid === -1n ? this.results.length - 1 : this.results.findIndex((r) => BigInt(r.qid) === qid);
    if (idx < 0) return this.failure('Neo.ClientError.Request.Invalid', `no result with qid ${qid}`);
    const res = this.results[idx];
    const count = n < 0n ? res.records.length : Math.min(Number(n), res.records.length);
    const batch = res.records.splice(0, count);
    if (name === 'PULL') for (const r of batch) this.send(0x71, [r]);
    if (name === 'DISCARD' && n < 0n) res.records = [];
    const hasMore = res.records.length > 0;
    if (hasMore) return this.success({ has_more: true });
    this.results.splice(idx, 1);
    const done = { t_last: 0n, type: res.write ? 'w' : 'r', db: 'neo4j' };
    if (res.autoCommit) done.bookmark = `FB:test:${++nextBookmark}`;
    if (!this.results.length) this.state = this.state === 'TX_STREAMING' ? 'TX_READY' : 'READY';
    this.success(done);
  }

  commit(fault) {
    this.tx = null;
    releaseLock(this);
    stats.commits++;
    if (fault && fault.action === 'switch_leader') leader = (leader + 1) % members.length;
    if (fault && fault.action === 'drop_after') { this.close(); return; }  // committed, reply lost
    this.state = 'READY';
    this.success({ bookmark: `FB:test:${++nextBookmark}` });
  }
}

// ---- Listeners and control ---------------------------------------------------------------------

function listen(index) {
  return new Promise((resolve, reject) => {
    const member = { index, port: 0 };
    const onConn = (socket) => new Session(socket, member);
    const server = opts.cert
      ? tls.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) }, onConn)
      : net.createServer(onConn);
    server.on('tlsClientError', (e) => log({ member: index, error: `tls: ${e.message}` }));
    server.once('error', reject);
    server.listen(index === 0 ? opts.port : 0, '127.0.0.1', () => {
      member.port = server.address().port;
      member.server = server;
      resolve(member);
    });
  });
}

async function main() {
  for (let i = 0; i < Math.max(1, opts.cluster); i++) members.push(await listen(i));
  process.stdout.write(`listening ${members.map((m) => m.port).join(' ')}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const sp = line.indexOf(' ');
    const cmd = sp < 0 ? line : line.slice(0, sp);
    const arg = sp < 0 ? '' : line.slice(sp + 1);
    if (logFd !== null) flushLog();
    try {
      if (cmd === 'dump') {
        const d = cypher.dump(graph);
        // In pieces: a standard library's dump (gigabytes) is beyond V8's longest string.
        const lines = d.lines.concat(d.schema_order.map((n) => `schema ${n}`));
        const fd = fs.openSync(arg, 'w');
        try {
          for (let i = 0; i < lines.length; i += 10000) fs.writeSync(fd, `${lines.slice(i, i + 10000).join('\n')}\n`);
        } finally {
          fs.closeSync(fd);
        }
        process.stdout.write('dumped\n');
      } else if (cmd === 'faults') {
        faults = JSON.parse(arg);
        counters.clear();
        process.stdout.write('ok\n');
      } else if (cmd === 'leader') {
        leader = Number(arg) % members.length;
        process.stdout.write('ok\n');
      } else if (cmd === 'stats') {
        process.stdout.write(`stats ${JSON.stringify({ ...stats, nodes: graph.nodes.size, relationships: graph.rels.size, lock: lockOwner ? lockOwner.id : null })}\n`);
      } else {
        process.stdout.write(`error unknown command ${cmd}\n`);
      }
    } catch (e) {
      process.stdout.write(`error ${e.message}\n`);
    }
  });
  rl.on('close', () => process.exit(0));
}

main().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
