#!/usr/bin/env node
// Interoperability check: the official neo4j-driver (JS) as a client of our Bolt test server.
// Starts server.js (with auth, and once with a cluster for neo4j:// routing), runs writes and
// reads through the official driver, and checks the results. Exit status 0 when all pass.
// Run by ctest (tests/unit/neo4j/CMakeLists.txt) and by hand: node tests/bolt_server/interop.js
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const readline = require('readline');
const assert = require('assert');
const neo4j = require('neo4j-driver');

function startServer(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const rl = readline.createInterface({ input: child.stdout });
    const lines = [];
    let waiting = null;
    rl.on('line', (line) => {
      if (line.startsWith('listening ')) { resolve({ child, ports: line.split(' ').slice(1).map(Number), command }); return; }
      if (waiting) { const w = waiting; waiting = null; w(line); } else lines.push(line);
    });
    child.on('error', reject);
    function command(c) {
      return new Promise((res) => { waiting = res; child.stdin.write(`${c}\n`); });
    }
  });
}

async function main() {
  let passed = 0;
  let failed = 0;
  const check = async (name, fn) => {
    try { await fn(); passed++; console.log(`ok ${name}`); } catch (e) { failed++; console.log(`FAILED ${name}: ${e.stack}`); }
  };

  const server = await startServer(['--auth', 'neo4j:interop-secret']);
  const uri = `bolt://127.0.0.1:${server.ports[0]}`;
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', 'interop-secret'), { disableLosslessIntegers: true });

  await check('bolt 5 handshake, HELLO and LOGON', async () => {
    const info = await driver.getServerInfo();
    assert.match(info.protocolVersion.toString(), /^5\./);
  });
  await check('write transaction with UNWIND MERGE and parameters', async () => {
    const session = driver.session();
    await session.executeWrite((tx) => tx.run(
      'UNWIND $rows AS r MERGE (n:`ASTNode` {id: r.id}) SET n += r, n:`Name`',
      { rows: [{ id: 'a', lineno: neo4j.int(3), names: ['x', 'y'] }, { id: 'b', lineno: neo4j.int(4) }] }));
    await session.executeWrite((tx) => tx.run(
      'UNWIND $rows AS r MERGE (a:`ASTNode` {id: r.src}) MERGE (b:`ASTNode` {id: r.dst}) MERGE (a)-[e:`CHILD` {id: r.props.id}]->(b) SET e += r.props',
      { rows: [{ src: 'a', dst: 'b', props: { id: 'e1', field: 'body', index: neo4j.int(0) } }] }));
    await session.close();
  });
  await check('read back nodes, relationships and scalars', async () => {
    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    const r = await session.executeRead((tx) => tx.run('MATCH (a:ASTNode {id: $id})-[e:CHILD]->(b) RETURN a, e, b.id AS bid, a.names AS names', { id: 'a' }));
    await session.close();
    assert.strictEqual(r.records.length, 1);
    const rec = r.records[0];
    assert.deepStrictEqual(rec.get('a').labels.sort(), ['ASTNode', 'Name']);
    assert.strictEqual(rec.get('a').properties.lineno, 3);
    assert.strictEqual(rec.get('e').type, 'CHILD');
    assert.strictEqual(rec.get('e').properties.field, 'body');
    assert.strictEqual(rec.get('bid'), 'b');
    assert.deepStrictEqual(rec.get('names'), ['x', 'y']);
  });
  await check('streaming with fetch size (PULL n, has_more)', async () => {
    const d2 = neo4j.driver(uri, neo4j.auth.basic('neo4j', 'interop-secret'), { fetchSize: 3, disableLosslessIntegers: true });
    const session = d2.session();
    const r = await session.run('UNWIND [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] AS x RETURN x');
    assert.deepStrictEqual(r.records.map((x) => x.get('x')), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await session.close();
    await d2.close();
  });
  await check('a failed statement gives the server code; the session recovers (RESET)', async () => {
    const session = driver.session();
    await assert.rejects(session.run('THIS IS NOT CYPHER'), (e) => e.code === 'Neo.ClientError.Statement.SyntaxError');
    const r = await session.run('RETURN 1 AS one');
    assert.strictEqual(r.records[0].get('one'), 1);
    await session.close();
  });
  await check('wrong password is refused with Unauthorized', async () => {
    const bad = neo4j.driver(uri, neo4j.auth.basic('neo4j', 'wrong'));
    await assert.rejects(bad.verifyConnectivity(), (e) => e.code === 'Neo.ClientError.Security.Unauthorized');
    await bad.close();
  });
  await check('injected transient failure is retried by the official driver', async () => {
    const faults = [{ on: 'RUN', nth: 1, action: 'failure', code: 'Neo.TransientError.Transaction.DeadlockDetected' }];
    assert.strictEqual(await server.command(`faults ${JSON.stringify(faults)}`), 'ok');
    const session = driver.session();
    const r = await session.executeWrite((tx) => tx.run('MERGE (n:ASTNode {id: $id}) RETURN n.id AS id', { id: 'c' }));
    assert.strictEqual(r.records[0].get('id'), 'c');
    await session.close();
    const stats = JSON.parse((await server.command('stats')).slice(6));
    assert.ok(stats.rollbacks >= 1);
  });
  await driver.close();
  server.child.stdin.end();

  const cluster = await startServer(['--cluster', '3', '--ttl', '1']);
  await check('neo4j:// routing: ROUTE, then writes go to the leader', async () => {
    const d = neo4j.driver(`neo4j://127.0.0.1:${cluster.ports[1]}`, neo4j.auth.basic('neo4j', 'x'), { disableLosslessIntegers: true });
    const session = d.session();
    await session.executeWrite((tx) => tx.run('CREATE (n:ASTNode {id: $id})', { id: 'routed' }));
    const r = await session.executeRead((tx) => tx.run('MATCH (n:ASTNode {id: $id}) RETURN count(n) AS c', { id: 'routed' }));
    assert.strictEqual(r.records[0].get('c'), 1);
    await session.close();
    await d.close();
  });
  cluster.child.stdin.end();

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
