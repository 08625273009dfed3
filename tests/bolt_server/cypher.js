// A small Cypher interpreter over an in-memory property graph, for the Bolt test server.
//
// It understands the subset ast2graph sends (src/graph/cypher.cc's UNWIND ... MERGE statements,
// the writer's deletes, reads and link queries, schema commands) and a little more, and it
// rejects everything else with Neo.ClientError.Statement.SyntaxError, so a statement shape it
// does not know makes a test fail loudly instead of being silently ignored.
//
// Values: null, booleans, BigInt (Cypher INTEGER), Number (FLOAT), strings, arrays, plain
// objects (maps), and Node / Rel objects. Every mutation goes through a Tx that records an undo
// step, so ROLLBACK (or a dropped connection) restores the graph exactly.
'use strict';

class CypherError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const syntaxError = (m) => new CypherError('Neo.ClientError.Statement.SyntaxError', m);
const typeError = (m) => new CypherError('Neo.ClientError.Statement.TypeError', m);

// ---- Tokens ----------------------------------------------------------------------------------

const KEYWORDS = new Set([
  'CREATE', 'CONSTRAINT', 'INDEX', 'IF', 'NOT', 'EXISTS', 'FOR', 'REQUIRE', 'IS', 'UNIQUE', 'ON',
  'UNWIND', 'AS', 'MATCH', 'OPTIONAL', 'WHERE', 'MERGE', 'SET', 'DELETE', 'DETACH', 'WITH',
  'RETURN', 'DISTINCT', 'ORDER', 'BY', 'ASC', 'DESC', 'SKIP', 'LIMIT', 'AND', 'OR', 'XOR', 'IN',
  'NULL', 'TRUE', 'FALSE', 'STARTS', 'ENDS', 'CONTAINS', 'REMOVE', 'ASSERT', 'KEY', 'NODE',
]);

function tokenize(text) {
  const tokens = [];
  let i = 0;
  const n = text.length;
  const push = (type, value, pos) => tokens.push({ type, value, pos });
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && text[i + 1] === '/') { while (i < n && text[i] !== '\n') i++; continue; }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(text[i])) i++;
      const word = text.slice(start, i);
      const upper = word.toUpperCase();
      push(KEYWORDS.has(upper) ? 'kw' : 'ident', KEYWORDS.has(upper) ? upper : word, start);
      continue;
    }
    if (c === '`') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw syntaxError('unterminated `identifier`');
        if (text[i] === '`') {
          if (text[i + 1] === '`') { s += '`'; i += 2; continue; }
          i++;
          break;
        }
        s += text[i++];
      }
      push('ident', s, start);
      continue;
    }
    if (c === '$') {
      i++;
      const s0 = i;
      while (i < n && /[A-Za-z0-9_]/.test(text[i])) i++;
      if (i === s0) throw syntaxError('bad parameter');
      push('param', text.slice(s0, i), start);
      continue;
    }
    if (c === "'" || c === '"') {
      const quote = c;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw syntaxError('unterminated string literal');
        const d = text[i];
        if (d === quote) { i++; break; }
        if (d === '\\') {
          const e = text[i + 1];
          const simple = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
          if (e in simple) { s += simple[e]; i += 2; continue; }
          if (e === 'u' || e === 'U') {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntaxError('bad \\u escape');
            s += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          throw syntaxError(`bad escape \\${e}`);
        }
        s += d;
        i++;
      }
      push('string', s, start);
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < n && /[0-9]/.test(text[i])) i++;
      let isFloat = false;
      if (text[i] === '.' && /[0-9]/.test(text[i + 1] || '')) {
        isFloat = true;
        i++;
        while (i < n && /[0-9]/.test(text[i])) i++;
      }
      if (/[eE]/.test(text[i] || '')) {
        isFloat = true;
        i++;
        if (/[+-]/.test(text[i])) i++;
        while (i < n && /[0-9]/.test(text[i])) i++;
      }
      const lit = text.slice(start, i);
      push(isFloat ? 'float' : 'int', isFloat ? Number(lit) : BigInt(lit), start);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['<>', '<=', '>=', '+=', '=~'].includes(two)) { push('op', two, start); i += 2; continue; }
    if ('()[]{}:,.=<>+-*/%|;'.includes(c)) { push('op', c, start); i++; continue; }
    throw syntaxError(`unexpected character '${c}' at ${i}`);
  }
  tokens.push({ type: 'eof', value: null, pos: n });
  return tokens;
}

// ---- Parser ----------------------------------------------------------------------------------

class Parser {
  constructor(text) {
    this.text = text;
    this.t = tokenize(text);
    this.i = 0;
  }
  peek(k = 0) { return this.t[this.i + k]; }
  next() { return this.t[this.i++]; }
  isKw(...words) { const p = this.peek(); return p.type === 'kw' && words.includes(p.value); }
  isOp(v, k = 0) { const p = this.peek(k); return p.type === 'op' && p.value === v; }
  acceptKw(w) { if (this.isKw(w)) { this.i++; return true; } return false; }
  acceptOp(v) { if (this.isOp(v)) { this.i++; return true; } return false; }
  expectKw(w) { if (!this.acceptKw(w)) throw this.error(`expected ${w}`); }
  expectOp(v) { if (!this.acceptOp(v)) throw this.error(`expected '${v}'`); }
  error(what) {
    const p = this.peek();
    return syntaxError(`${what} at position ${p.pos} (near '${this.text.slice(p.pos, p.pos + 20)}')`);
  }
  name() {
    const p = this.next();
    // Keywords are valid names after ':' or '.' (e.g. labels, property keys).
    if (p.type === 'ident' || p.type === 'kw') return p.value;
    this.i--;
    throw this.error('expected a name');
  }
  variable() {
    const p = this.next();
    if (p.type === 'ident') return p.value;
    this.i--;
    throw this.error('expected a variable');
  }

  statement() {
    const clauses = [];
    while (this.peek().type !== 'eof') {
      if (this.acceptOp(';')) continue;
      clauses.push(this.clause());
    }
    if (!clauses.length) throw syntaxError('empty statement');
    return clauses;
  }

  clause() {
    if (this.isKw('CREATE') && (this.peek(1).value === 'CONSTRAINT' || this.peek(1).value === 'INDEX')) {
      return this.schema();
    }
    if (this.acceptKw('UNWIND')) {
      const expr = this.expr();
      this.expectKw('AS');
      return { kind: 'UNWIND', expr, as: this.variable() };
    }
    const optional = this.acceptKw('OPTIONAL');
    if (this.acceptKw('MATCH')) {
      const patterns = [this.pattern()];
      while (this.acceptOp(',')) patterns.push(this.pattern());
      const where = this.acceptKw('WHERE') ? this.expr() : null;
      return { kind: 'MATCH', optional, patterns, where };
    }
    if (optional) throw this.error('expected MATCH');
    if (this.acceptKw('MERGE')) {
      const pattern = this.pattern();
      const onCreate = [];
      const onMatch = [];
      while (this.isKw('ON')) {
        this.next();
        const which = this.name().toUpperCase();
        this.expectKw('SET');
        (which === 'CREATE' ? onCreate : which === 'MATCH' ? onMatch : (() => { throw this.error('ON what?'); })())
          .push(...this.setItems());
      }
      return { kind: 'MERGE', pattern, onCreate, onMatch };
    }
    if (this.acceptKw('CREATE')) {
      const patterns = [this.pattern()];
      while (this.acceptOp(',')) patterns.push(this.pattern());
      return { kind: 'CREATE', patterns };
    }
    if (this.acceptKw('SET')) return { kind: 'SET', items: this.setItems() };
    if (this.acceptKw('REMOVE')) {
      const items = [];
      do {
        const v = this.variable();
        if (this.acceptOp('.')) items.push({ kind: 'prop', v, key: this.name() });
        else {
          const labels = [];
          while (this.acceptOp(':')) labels.push(this.name());
          if (!labels.length) throw this.error('expected a label or property');
          items.push({ kind: 'labels', v, labels });
        }
      } while (this.acceptOp(','));
      return { kind: 'REMOVE', items };
    }
    const detach = this.acceptKw('DETACH');
    if (this.acceptKw('DELETE')) {
      const exprs = [this.expr()];
      while (this.acceptOp(',')) exprs.push(this.expr());
      return { kind: 'DELETE', detach, exprs };
    }
    if (detach) throw this.error('expected DELETE');
    if (this.isKw('WITH', 'RETURN')) {
      const kind = this.next().value;
      const distinct = this.acceptKw('DISTINCT');
      const items = [];
      do {
        if (this.acceptOp('*')) { items.push({ star: true }); continue; }
        const start = this.peek().pos;
        const expr = this.expr();
        const end = this.peek().pos;
        const alias = this.acceptKw('AS') ? this.variable()
          : expr.kind === 'var' ? expr.name : this.text.slice(start, end).trim();
        items.push({ expr, alias });
      } while (this.acceptOp(','));
      const order = [];
      if (this.acceptKw('ORDER')) {
        this.expectKw('BY');
        do {
          const expr = this.expr();
          const desc = this.acceptKw('DESC') ? true : (this.acceptKw('ASC'), false);
          order.push({ expr, desc });
        } while (this.acceptOp(','));
      }
      const skip = this.acceptKw('SKIP') ? this.expr() : null;
      const limit = this.acceptKw('LIMIT') ? this.expr() : null;
      const where = kind === 'WITH' && this.acceptKw('WHERE') ? this.expr() : null;
      return { kind, distinct, items, order, skip, limit, where };
    }
    throw this.error('unsupported clause');
  }

  schema() {
    this.expectKw('CREATE');
    const what = this.next().value;  // CONSTRAINT | INDEX
    let name = null;
    if (this.peek().type === 'ident') name = this.next().value;
    let ifNotExists = false;
    if (this.acceptKw('IF')) { this.expectKw('NOT'); this.expectKw('EXISTS'); ifNotExists = true; }
    if (!this.acceptKw('FOR')) this.expectKw('ON');  // 4.4 accepts both FOR and (old) ON
    this.expectOp('(');
    const v = this.variable();
    this.expectOp(':');
    const label = this.name();
    this.expectOp(')');
    let prop;
    if (what === 'CONSTRAINT') {
      if (!this.acceptKw('REQUIRE')) this.expectKw('ASSERT');
      const v2 = this.variable();
      if (v2 !== v) throw this.error('constraint on another variable');
      this.expectOp('.');
      prop = this.name();
      this.expectKw('IS');
      if (!this.acceptKw('UNIQUE')) { this.expectKw('NODE'); this.expectKw('KEY'); }
    } else {
      this.expectKw('ON');
      this.expectOp('(');
      const v2 = this.variable();
      if (v2 !== v) throw this.error('index on another variable');
      this.expectOp('.');
      prop = this.name();
      this.expectOp(')');
    }
    return { kind: 'SCHEMA', what, name, ifNotExists, label, prop };
  }

  setItems() {
    const items = [];
    do {
      const v = this.variable();
      if (this.acceptOp('+=')) items.push({ kind: 'merge', v, expr: this.expr() });
      else if (this.acceptOp('=')) items.push({ kind: 'replace', v, expr: this.expr() });
      else if (this.acceptOp('.')) {
        const key = this.name();
        this.expectOp('=');
        items.push({ kind: 'prop', v, key, expr: this.expr() });
      } else if (this.isOp(':')) {
        const labels = [];
        while (this.acceptOp(':')) labels.push(this.name());
        items.push({ kind: 'labels', v, labels });
      } else throw this.error('bad SET item');
    } while (this.acceptOp(','));
    return items;
  }

  pattern() {
    const nodes = [this.nodePattern()];
    const rels = [];
    while (this.isOp('-') || (this.isOp('<') && this.isOp('-', 1))) {
      rels.push(this.relPattern());
      nodes.push(this.nodePattern());
    }
    return { nodes, rels };
  }

  nodePattern() {
    this.expectOp('(');
    let v = null;
    if (this.peek().type === 'ident') v = this.next().value;
    const labels = [];
    while (this.acceptOp(':')) labels.push(this.name());
    const props = this.isOp('{') ? this.mapLiteral() : null;
    this.expectOp(')');
    return { v, labels, props };
  }

  relPattern() {
    let dir = 'both';
    if (this.acceptOp('<')) dir = 'in';
    this.expectOp('-');
    let v = null;
    let type = null;
    let props = null;
    if (this.acceptOp('[')) {
      if (this.peek().type === 'ident') v = this.next().value;
      if (this.acceptOp(':')) type = this.name();
      if (this.isOp('{')) props = this.mapLiteral();
      this.expectOp(']');
    }
    this.expectOp('-');
    if (this.acceptOp('>')) {
      if (dir === 'in') throw this.error('relationship with two directions');
      dir = 'out';
    }
    return { v, type, props, dir };
  }

  mapLiteral() {
    this.expectOp('{');
    const entries = [];
    if (!this.isOp('}')) {
      do {
        const key = this.peek().type === 'string' ? this.next().value : this.name();
        this.expectOp(':');
        entries.push([key, this.expr()]);
      } while (this.acceptOp(','));
    }
    this.expectOp('}');
    return { kind: 'map', entries };
  }

  // Expressions, lowest precedence first.
  expr() { return this.orExpr(); }
  orExpr() {
    let e = this.xorExpr();
    while (this.acceptKw('OR')) e = { kind: 'or', a: e, b: this.xorExpr() };
    return e;
  }
  xorExpr() {
    let e = this.andExpr();
    while (this.acceptKw('XOR')) e = { kind: 'xor', a: e, b: this.andExpr() };
    return e;
  }
  andExpr() {
    let e = this.notExpr();
    while (this.acceptKw('AND')) e = { kind: 'and', a: e, b: this.notExpr() };
    return e;
  }
  notExpr() {
    if (this.acceptKw('NOT')) return { kind: 'not', a: this.notExpr() };
    return this.comparison();
  }
  comparison() {
    let e = this.additive();
    for (;;) {
      const p = this.peek();
      if (p.type === 'op' && ['=', '<>', '<', '>', '<=', '>='].includes(p.value)) {
        this.next();
        e = { kind: 'cmp', op: p.value, a: e, b: this.additive() };
      } else if (this.acceptKw('IN')) {
        e = { kind: 'in', a: e, b: this.additive() };
      } else if (this.isKw('IS')) {
        this.next();
        const not = this.acceptKw('NOT');
        this.expectKw('NULL');
        e = { kind: 'isnull', not, a: e };
      } else if (this.acceptKw('STARTS')) {
        this.expectKw('WITH');
        e = { kind: 'starts', a: e, b: this.additive() };
      } else if (this.acceptKw('ENDS')) {
        this.expectKw('WITH');
        e = { kind: 'ends', a: e, b: this.additive() };
      } else if (this.acceptKw('CONTAINS')) {
        e = { kind: 'contains', a: e, b: this.additive() };
      } else return e;
    }
  }
  additive() {
    let e = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value;
      e = { kind: 'arith', op, a: e, b: this.multiplicative() };
    }
    return e;
  }
  multiplicative() {
    let e = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().value;
      e = { kind: 'arith', op, a: e, b: this.unary() };
    }
    return e;
  }
  unary() {
    if (this.acceptOp('-')) return { kind: 'neg', a: this.unary() };
    if (this.acceptOp('+')) return this.unary();
    return this.postfix();
  }
  postfix() {
    let e = this.atom();
    for (;;) {
      if (this.acceptOp('.')) e = { kind: 'prop', a: e, key: this.name() };
      else if (this.acceptOp('[')) {
        const idx = this.expr();
        this.expectOp(']');
        e = { kind: 'index', a: e, idx };
      } else if (this.isOp(':') && e.kind === 'var') {
        const labels = [];
        while (this.acceptOp(':')) labels.push(this.name());
        e = { kind: 'haslabels', a: e, labels };
      } else return e;
    }
  }
  atom() {
    const p = this.peek();
    switch (p.type) {
      case 'int': this.next(); return { kind: 'lit', value: p.value };
      case 'float': this.next(); return { kind: 'lit', value: p.value };
      case 'string': this.next(); return { kind: 'lit', value: p.value };
      case 'param': this.next(); return { kind: 'param', name: p.value };
      case 'kw':
        if (p.value === 'NULL') { this.next(); return { kind: 'lit', value: null }; }
        if (p.value === 'TRUE') { this.next(); return { kind: 'lit', value: true }; }
        if (p.value === 'FALSE') { this.next(); return { kind: 'lit', value: false }; }
        if (p.value === 'EXISTS' && this.isOp('{', 1)) {
          this.next();
          this.expectOp('{');
          this.acceptKw('MATCH');
          const pattern = this.pattern();
          this.expectOp('}');
          return { kind: 'exists', pattern };
        }
        break;
      case 'ident': {
        this.next();
        if (this.isOp('(')) return this.call(p.value);
        return { kind: 'var', name: p.value };
      }
      case 'op':
        if (p.value === '[') {
          this.next();
          const items = [];
          if (!this.isOp(']')) {
            do items.push(this.expr()); while (this.acceptOp(','));
          }
          this.expectOp(']');
          return { kind: 'list', items };
        }
        if (p.value === '{') return this.mapLiteral();
        if (p.value === '(') {
          // A pattern predicate such as (m)--() or (a)-[:T]->(b), else a parenthesised expression.
          const save = this.i;
          try {
            const pattern = this.pattern();
            if (pattern.rels.length) return { kind: 'exists', pattern };
          } catch (e) {
            if (!(e instanceof CypherError)) throw e;
          }
          this.i = save;
          this.next();
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        break;
      default: break;
    }
    throw this.error('expected an expression');
  }
  call(name) {
    this.expectOp('(');
    const fn = name.toLowerCase();
    if (fn === 'count' && this.acceptOp('*')) {
      this.expectOp(')');
      return { kind: 'agg', fn: 'count', star: true, distinct: false, arg: null };
    }
    const distinct = this.acceptKw('DISTINCT');
    const args = [];
    if (!this.isOp(')')) {
      do args.push(this.expr()); while (this.acceptOp(','));
    }
    this.expectOp(')');
    if (fn === 'count' || fn === 'collect' || fn === 'sum' || fn === 'min' || fn === 'max') {
      if (args.length !== 1) throw syntaxError(`${fn}() takes one argument`);
      return { kind: 'agg', fn, distinct, arg: args[0] };
    }
    if (!FUNCTIONS[fn]) throw new CypherError('Neo.ClientError.Statement.SyntaxError', `Unknown function '${name}'`);
    return { kind: 'call', fn, args };
  }
}

// ---- Graph -----------------------------------------------------------------------------------
//
// Sized for millions of entities (a whole standard library): label sets are shared immutable
// objects, properties live in prototype-less plain objects (one hidden class per key set instead
// of a hash table per entity), adjacency in arrays, and the property indexes hold an entity
// directly until a second one shares the value.

/// An immutable, interned set of labels in insertion order: a node points to one of these, so
/// the millions of nodes with labels ASTNode + Name share a single object.
class LabelSet {
  constructor(list) {
    this.list = list;
    this.size = list.length;
    this.plus = new Map();
    this.minus = new Map();
  }
  has(l) { return this.list.includes(l); }
  [Symbol.iterator]() { return this.list[Symbol.iterator](); }
  with(l) {
    if (this.has(l)) return this;
    let s = this.plus.get(l);
    if (!s) { s = LabelSet.of([...this.list, l]); this.plus.set(l, s); }
    return s;
  }
  without(l) {
    if (!this.has(l)) return this;
    let s = this.minus.get(l);
    if (!s) { s = LabelSet.of(this.list.filter((x) => x !== l)); this.minus.set(l, s); }
    return s;
  }
  static of(list) {
    const key = list.join('\u0000');
    let s = LabelSet.interned.get(key);
    if (!s) { s = new LabelSet(Object.freeze(list)); LabelSet.interned.set(key, s); }
    return s;
  }
}
LabelSet.interned = new Map();
const NO_LABELS = LabelSet.of([]);

/// Properties of one entity with the Map interface the interpreter uses. The object's prototype
/// has no prototype, so keys such as "constructor" or "__proto__" are plain data. Values are
/// never undefined (a property set to null is removed).
const PROPS_PROTO = Object.create(null);
class Props {
  constructor() { this.o = Object.create(PROPS_PROTO); this.size = 0; }
  get(k) { return this.o[k]; }
  has(k) { return this.o[k] !== undefined; }
  set(k, v) {
    if (this.o[k] === undefined) this.size++;
    this.o[k] = v;
    return this;
  }
  delete(k) {
    if (this.o[k] === undefined) return false;
    delete this.o[k];
    this.size--;
    return true;
  }
  keys() { return Object.keys(this.o)[Symbol.iterator](); }
  entries() { const o = this.o; return Object.keys(o).map((k) => [k, o[k]])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
}

const EMPTY = Object.freeze([]);

class Node {
  constructor(iid, born) { this.iid = iid; this.labels = NO_LABELS; this.props = new Props(); this.out = EMPTY; this.in = EMPTY; this.deleted = false; this.born = born; }
  /// For the server's message log (adjacency would make a cycle).
  toJSON() { return { iid: this.iid, labels: this.labels.list, props: this.props.o }; }
}
class Rel {
  constructor(iid, type, start, end, born) { this.iid = iid; this.type = type; this.start = start; this.end = end; this.props = new Props(); this.deleted = false; this.born = born; }
  toJSON() { return { iid: this.iid, type: this.type, start: this.start.iid, end: this.end.iid, props: this.props.o }; }
}

/// Index maps hold value -> entity, or value -> Set of entities when several share it.
function slotAdd(map, value, x) {
  const cur = map.get(value);
  if (cur === undefined) map.set(value, x);
  else if (cur instanceof Set) cur.add(x);
  else if (cur !== x) map.set(value, new Set([cur, x]));
}
function slotRemove(map, value, x) {
  const cur = map.get(value);
  if (cur === x) map.delete(value);
  else if (cur instanceof Set) {
    cur.delete(x);
    if (cur.size === 1) map.set(value, cur.values().next().value);
  }
}
function slotGet(map, value) {
  const cur = map.get(value);
  return cur === undefined ? EMPTY : cur instanceof Set ? cur : [cur];
}
/// Appends to an adjacency list: exact-size copies while short (a pushed-to empty array reserves
/// 17 slots, and most nodes have one to three relationships each way), amortised pushes beyond.
function withAdded(a, x) {
  if (a.length >= 16) { a.push(x); return a; }
  return a.concat([x]);
}
function arrayRemove(a, x) {
  const i = a.lastIndexOf(x);
  if (i >= 0) a.splice(i, 1);
}

/// Live entities by internal id, with the Map methods the interpreter uses: an array indexed by
/// iid (ids are dense and increasing), which is smaller and faster than a hash table of millions.
class EntityTable {
  constructor() { this.a = []; this.size = 0; }
  set(iid, x) {
    if (this.a[iid] === undefined) this.size++;
    while (this.a.length < iid) this.a.push(undefined);  // no holes: keeps fast elements
    this.a[iid] = x;
    return this;
  }
  get(iid) { return this.a[iid]; }
  has(iid) { return this.a[iid] !== undefined; }
  delete(iid) {
    if (this.a[iid] === undefined) return false;
    this.a[iid] = undefined;
    this.size--;
    return true;
  }
  *values() { for (const x of this.a) if (x !== undefined) yield x; }
}

const INDEXED = ['id', 'source_id'];

class Graph {
  constructor() {
    this.nodes = new EntityTable();
    this.rels = new EntityTable();
    this.nextId = 0;
    this.nextTx = 1;
    this.byLabel = new Map();
    this.byProp = new Map(INDEXED.map((k) => [k, new Map()]));
    this.relById = new Map();  // relationship property id -> relationship(s)
    this.constraints = new Map();  // name -> {label, prop}
    this.indexes = new Map();
    this.schemaLog = [];  // names in creation order
  }
  indexAdd(key, value, node) {
    const idx = this.byProp.get(key);
    if (!idx || typeof value !== 'string') return;
    slotAdd(idx, value, node);
  }
  indexRemove(key, value, node) {
    const idx = this.byProp.get(key);
    if (!idx || typeof value !== 'string') return;
    slotRemove(idx, value, node);
  }
  labelAdd(label, node) {
    if (!this.byLabel.has(label)) this.byLabel.set(label, new Set());
    this.byLabel.get(label).add(node);
  }
  labelRemove(label, node) {
    const s = this.byLabel.get(label);
    if (s) s.delete(node);
  }
  nodesWithLabel(label) { return this.byLabel.get(label) || EMPTY; }
  relIndexAdd(value, rel) {
    if (typeof value !== 'string') return;
    slotAdd(this.relById, value, rel);
  }
  relIndexRemove(value, rel) {
    if (typeof value !== 'string') return;
    slotRemove(this.relById, value, rel);
  }
  relsWithId(value) { return slotGet(this.relById, value); }
  nodesWithProp(key, value) {
    const idx = this.byProp.get(key);
    return idx ? slotGet(idx, value) : EMPTY;
  }
}

// Undo log entries: an opcode followed by its operands, flat in one array (millions of closures
// would outweigh the graph). Changes to an entity created in the same transaction are not
// recorded: undoing its creation removes it whole, from every index, as it is at that point.
const U_NODE = 1;      // node
const U_REL = 2;       // rel
const U_LABEL_ADD = 3;  // node, label
const U_LABEL_DEL = 4;  // node, label
const U_PROP = 5;      // entity, key, old value (undefined: absent)
const U_DEL_REL = 6;   // rel
const U_DEL_NODE = 7;  // node
const U_SCHEMA = 8;    // collection, name

/// A transaction's view: every mutation records how to undo it.
class Tx {
  constructor(graph) { this.g = graph; this.undo = []; this.writes = 0; this.serial = graph.nextTx++; }
  rollback() {
    const g = this.g;
    const u = this.undo;
    let i = u.length;
    while (i > 0) {
      const op = u[--i];
      switch (op) {
        case U_NODE: {
          const n = u[--i];
          g.nodes.delete(n.iid);
          for (const l of n.labels) g.labelRemove(l, n);
          for (const [k, v] of n.props) g.indexRemove(k, v, n);
          n.deleted = true;
          break;
        }
        case U_REL: {
          const r = u[--i];
          g.rels.delete(r.iid);
          arrayRemove(r.start.out, r);
          arrayRemove(r.end.in, r);
          g.relIndexRemove(r.props.get('id'), r);
          r.deleted = true;
          break;
        }
        case U_LABEL_ADD: {
          const l = u[--i];
          const n = u[--i];
          n.labels = n.labels.without(l);
          g.labelRemove(l, n);
          break;
        }
        case U_LABEL_DEL: {
          const l = u[--i];
          const n = u[--i];
          n.labels = n.labels.with(l);
          g.labelAdd(l, n);
          break;
        }
        case U_PROP: {
          const old = u[--i];
          const key = u[--i];
          const e = u[--i];
          const cur = e.props.get(key);
          const isNode = e instanceof Node;
          if (cur !== undefined) {
            if (isNode) g.indexRemove(key, cur, e);
            else if (key === 'id') g.relIndexRemove(cur, e);
          }
          if (old === undefined) e.props.delete(key);
          else {
            e.props.set(key, old);
            if (isNode) g.indexAdd(key, old, e);
            else if (key === 'id') g.relIndexAdd(old, e);
          }
          break;
        }
        case U_DEL_REL: {
          const r = u[--i];
          r.deleted = false; g.rels.set(r.iid, r); r.start.out = withAdded(r.start.out, r); r.end.in = withAdded(r.end.in, r);
          g.relIndexAdd(r.props.get('id'), r);
          break;
        }
        case U_DEL_NODE: {
          const n = u[--i];
          n.deleted = false;
          g.nodes.set(n.iid, n);
          for (const l of n.labels) g.labelAdd(l, n);
          for (const [k, v] of n.props) g.indexAdd(k, v, n);
          break;
        }
        case U_SCHEMA: {
          const name = u[--i];
          const coll = u[--i];
          coll.delete(name);
          g.schemaLog.pop();
          break;
        }
        default: throw new Error(`bad undo entry ${op}`);
      }
    }
    this.undo = [];
  }
  createNode(labels, props) {
    const g = this.g;
    const n = new Node(g.nextId++, this.serial);
    g.nodes.set(n.iid, n);
    this.undo.push(n, U_NODE);
    for (const l of labels) this.addLabel(n, l);
    for (const [k, v] of props) this.setProp(n, k, v);
    this.writes++;
    return n;
  }
  createRel(type, start, end, props) {
    const g = this.g;
    const r = new Rel(g.nextId++, type, start, end, this.serial);
    g.rels.set(r.iid, r);
    start.out = withAdded(start.out, r);
    end.in = withAdded(end.in, r);
    this.undo.push(r, U_REL);
    for (const [k, v] of props) this.setProp(r, k, v);
    this.writes++;
    return r;
  }
  addSchema(coll, name, rule) {
    coll.set(name, rule);
    this.g.schemaLog.push(name);
    this.undo.push(coll, name, U_SCHEMA);
  }
  addLabel(n, label) {
    if (n.labels.has(label)) return;
    if (this.g.constraints.size) this.checkUnique(n, new Set([label]));
    n.labels = n.labels.with(label);
    this.g.labelAdd(label, n);
    if (n.born !== this.serial) this.undo.push(n, label, U_LABEL_ADD);
    this.writes++;
  }
  removeLabel(n, label) {
    if (!n.labels.has(label)) return;
    n.labels = n.labels.without(label);
    this.g.labelRemove(label, n);
    if (n.born !== this.serial) this.undo.push(n, label, U_LABEL_DEL);
    this.writes++;
  }
  /// Unique constraints: `n` with `label` (added now, or one it has) and `key` = `value`.
  checkUnique(n, labels, key, value) {
    for (const c of this.g.constraints.values()) {
      if (!labels.has(c.label)) continue;
      if (key !== undefined && key !== c.prop) continue;
      const v = key !== undefined ? value : n.props.get(c.prop);
      if (v === undefined || v === null) continue;
      const pool = this.g.byProp.has(c.prop) && typeof v === 'string' ? this.g.nodesWithProp(c.prop, v) : this.g.nodesWithLabel(c.label);
      for (const other of pool) {
        if (other !== n && !other.deleted && other.labels.has(c.label) && valueEquals(other.props.get(c.prop), v) === true) {
          throw new CypherError('Neo.ClientError.Schema.ConstraintValidationFailed',
            `Node(${other.iid}) already exists with label \`${c.label}\` and property \`${c.prop}\` = ${JSON.stringify(String(v))}`);
        }
      }
    }
  }
  setProp(e, key, value) {
    const old = e.props.get(key);
    const isNode = e instanceof Node;
    if (value === null || value === undefined) {
      if (old === undefined) return;
      e.props.delete(key);
      if (isNode) this.g.indexRemove(key, old, e);
      else if (key === 'id') this.g.relIndexRemove(old, e);
      if (e.born !== this.serial) this.undo.push(e, key, old, U_PROP);
      this.writes++;
      return;
    }
    checkPropertyValue(key, value);
    // The same primitive again changes nothing (no index churn, nothing to undo).
    if (old === value) { this.writes++; return; }
    if (isNode) {
      if (this.g.constraints.size) this.checkUnique(e, e.labels, key, value);
      if (old !== undefined) this.g.indexRemove(key, old, e);
      this.g.indexAdd(key, value, e);
    } else if (key === 'id') {
      if (old !== undefined) this.g.relIndexRemove(old, e);
      this.g.relIndexAdd(value, e);
    }
    e.props.set(key, value);
    if (e.born !== this.serial) this.undo.push(e, key, old, U_PROP);
    this.writes++;
  }
  deleteRel(r) {
    if (r.deleted) return;
    r.deleted = true;
    this.g.rels.delete(r.iid);
    arrayRemove(r.start.out, r);
    arrayRemove(r.end.in, r);
    this.g.relIndexRemove(r.props.get('id'), r);
    this.undo.push(r, U_DEL_REL);
    this.writes++;
  }
  deleteNode(n, detach) {
    if (n.deleted) return;
    if (!detach && (n.out.length || n.in.length)) {
      throw new CypherError('Neo.ClientError.Schema.ConstraintValidationFailed',
        `Cannot delete node<${n.iid}>, because it still has relationships. To delete this node, you must first delete its relationships.`);
    }
    for (const r of [...n.out, ...n.in]) this.deleteRel(r);
    n.deleted = true;
    this.g.nodes.delete(n.iid);
    for (const l of n.labels) this.g.labelRemove(l, n);
    for (const [k, v] of n.props) this.g.indexRemove(k, v, n);
    this.undo.push(n, U_DEL_NODE);
    this.writes++;
  }
}

function checkPropertyValue(key, v) {
  const ok = (x) => x === true || x === false || typeof x === 'bigint' || typeof x === 'number' || typeof x === 'string';
  if (ok(v)) return;
  if (Array.isArray(v) && v.every(ok)) return;
  throw typeError(`Property values can only be of primitive types or arrays thereof (key '${key}')`);
}

// ---- Evaluation ------------------------------------------------------------------------------

function isMap(v) { return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Node) && !(v instanceof Rel); }

function valueEquals(a, b) {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return typeof a === typeof b ? a === b : Number(a) === Number(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (valueEquals(a[i], b[i]) !== true) return false;
    return true;
  }
  if (a instanceof Node || a instanceof Rel) return a === b;
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => valueEquals(a[k], b[k]) === true);
  }
  return a === b;
}

function compare(a, b) {
  if (a === null || b === null) return null;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    const x = typeof a === typeof b ? a : Number(a);
    const y = typeof a === typeof b ? b : Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function propsToObject(e) { const o = {}; for (const [k, v] of e.props) o[k] = v; return o; }

const FUNCTIONS = {
  properties: (x) => (x === null ? null : x instanceof Node || x instanceof Rel ? propsToObject(x) : isMap(x) ? { ...x } : (() => { throw typeError('properties() of a non-entity'); })()),
  labels: (n) => (n === null ? null : [...n.labels]),
  type: (r) => (r === null ? null : r.type),
  id: (e) => (e === null ? null : BigInt(e.iid)),
  elementid: (e) => (e === null ? null : `4:test:${e.iid}`),
  size: (x) => (x === null ? null : BigInt(Array.isArray(x) ? x.length : [...String(x)].length)),
  coalesce: (...xs) => { for (const x of xs) if (x !== null && x !== undefined) return x; return null; },
  keys: (x) => (x === null ? null : x instanceof Node || x instanceof Rel ? [...x.props.keys()] : Object.keys(x)),
  tostring: (x) => (x === null ? null : String(x)),
};

class Executor {
  constructor(graph, tx, params) {
    this.g = graph;
    this.tx = tx;
    this.params = params;
  }

  eval(e, row) {
    switch (e.kind) {
      case 'lit': return e.value;
      case 'param':
        if (!(e.name in this.params)) throw new CypherError('Neo.ClientError.Statement.ParameterMissing', `Expected parameter(s): ${e.name}`);
        return this.params[e.name];
      case 'var':
        if (!row.has(e.name)) throw new CypherError('Neo.ClientError.Statement.SyntaxError', `Variable \`${e.name}\` not defined`);
        return row.get(e.name);
      case 'prop': {
        const x = this.eval(e.a, row);
        if (x === null || x === undefined) return null;
        if (x instanceof Node || x instanceof Rel) { const v = x.props.get(e.key); return v === undefined ? null : v; }
        if (isMap(x)) { const v = x[e.key]; return v === undefined ? null : v; }
        throw typeError(`Type mismatch: expected a map but was ${typeof x}`);
      }
      case 'index': {
        const x = this.eval(e.a, row);
        const i = this.eval(e.idx, row);
        if (x === null || i === null) return null;
        if (Array.isArray(x)) { let k = Number(i); if (k < 0) k += x.length; return k >= 0 && k < x.length ? x[k] : null; }
        if (isMap(x)) return x[i] === undefined ? null : x[i];
        if (x instanceof Node || x instanceof Rel) { const v = x.props.get(i); return v === undefined ? null : v; }
        throw typeError('cannot index');
      }
      case 'list': return e.items.map((x) => this.eval(x, row));
      case 'map': { const o = {}; for (const [k, x] of e.entries) o[k] = this.eval(x, row); return o; }
      case 'and': { const a = this.eval(e.a, row); const b = this.eval(e.b, row); if (a === false || b === false) return false; if (a === null || b === null) return null; return true; }
      case 'or': { const a = this.eval(e.a, row); const b = this.eval(e.b, row); if (a === true || b === true) return true; if (a === null || b === null) return null; return false; }
      case 'xor': { const a = this.eval(e.a, row); const b = this.eval(e.b, row); if (a === null || b === null) return null; return a !== b; }
      case 'not': { const a = this.eval(e.a, row); return a === null ? null : !a; }
      case 'cmp': {
        const a = this.eval(e.a, row);
        const b = this.eval(e.b, row);
        if (e.op === '=') return valueEquals(a, b);
        if (e.op === '<>') { const r = valueEquals(a, b); return r === null ? null : !r; }
        const c = compare(a, b);
        if (c === null) return null;
        return e.op === '<' ? c < 0 : e.op === '>' ? c > 0 : e.op === '<=' ? c <= 0 : c >= 0;
      }
      case 'in': {
        const a = this.eval(e.a, row);
        const b = this.eval(e.b, row);
        if (b === null) return null;
        if (!Array.isArray(b)) throw typeError('IN expects a list');
        if (a === null) return b.length ? null : false;
        let sawNull = false;
        for (const x of b) { const r = valueEquals(a, x); if (r === true) return true; if (r === null) sawNull = true; }
        return sawNull ? null : false;
      }
      case 'isnull': { const a = this.eval(e.a, row); const isNull = a === null || a === undefined; return e.not ? !isNull : isNull; }
      case 'starts': case 'ends': case 'contains': {
        const a = this.eval(e.a, row); const b = this.eval(e.b, row);
        if (typeof a !== 'string' || typeof b !== 'string') return null;
        return e.kind === 'starts' ? a.startsWith(b) : e.kind === 'ends' ? a.endsWith(b) : a.includes(b);
      }
      case 'arith': {
        const a = this.eval(e.a, row); const b = this.eval(e.b, row);
        if (a === null || b === null) return null;
        if (e.op === '+' && (typeof a === 'string' || typeof b === 'string')) return String(a) + String(b);
        if (e.op === '+' && Array.isArray(a)) return a.concat(Array.isArray(b) ? b : [b]);
        if (typeof a === 'bigint' && typeof b === 'bigint') {
          if ((e.op === '/' || e.op === '%') && b === 0n) throw new CypherError('Neo.ClientError.Statement.ArithmeticError', '/ by zero');
          return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '/' ? a / b : a % b;
        }
        const x = Number(a); const y = Number(b);
        return e.op === '+' ? x + y : e.op === '-' ? x - y : e.op === '*' ? x * y : e.op === '/' ? x / y : x % y;
      }
      case 'neg': { const a = this.eval(e.a, row); return a === null ? null : -a; }
      case 'haslabels': { const n = this.eval(e.a, row); if (n === null) return null; return e.labels.every((l) => n.labels.has(l)); }
      case 'call': return FUNCTIONS[e.fn](...e.args.map((x) => this.eval(x, row)));
      case 'exists': {
        for (const _ of this.matchPattern(e.pattern, row)) return true;  // eslint-disable-line no-unused-vars
        return false;
      }
      case 'agg': throw syntaxError('aggregation in an unexpected place');
      default: throw syntaxError(`cannot evaluate ${e.kind}`);
    }
  }

  propsOf(mapExpr, row) {
    if (!mapExpr) return [];
    return mapExpr.entries.map(([k, x]) => [k, this.eval(x, row)]);
  }

  nodeMatches(n, np, row) {
    if (n.deleted) return false;
    for (const l of np.labels) if (!n.labels.has(l)) return false;
    for (const [k, v] of this.propsOf(np.props, row)) {
      if (valueEquals(n.props.has(k) ? n.props.get(k) : null, v) !== true) return false;
    }
    return true;
  }

  /// Candidate nodes for an unbound node pattern: by indexed property, by WHERE hint, or label.
  candidates(np, row, hint) {
    if (np.props) {
      for (const [k, x] of np.props.entries) {
        if (this.g.byProp.has(k)) {
          const v = this.eval(x, row);
          return typeof v === 'string' ? [...this.g.nodesWithProp(k, v)] : [];
        }
      }
    }
    if (hint && np.v && hint.has(np.v)) {
      const { key, valuesExpr } = hint.get(np.v);
      const values = this.eval(valuesExpr, row);
      if (Array.isArray(values)) {
        const out = new Set();
        for (const v of values) if (typeof v === 'string') for (const n of this.g.nodesWithProp(key, v)) out.add(n);
        return [...out];
      }
    }
    if (np.labels.length) return [...this.g.nodesWithLabel(np.labels[0])];
    return [...this.g.nodes.values()];
  }

  *matchPattern(pattern, row, hint) {
    const { nodes, rels } = pattern;
    const self = this;
    function* step(i, current, r) {
      if (i === rels.length) { yield r; return; }
      const rp = rels[i];
      const np = nodes[i + 1];
      const rprops = self.propsOf(rp.props, r);
      const candidates = [];
      const byId = rprops.find(([k]) => k === 'id');
      if (byId) {
        // Relationship ids are indexed (as a relationship index would be in Neo4j): no scan of
        // a dense node's relationships.
        for (const rel of self.g.relsWithId(byId[1])) {
          if ((rp.dir === 'out' || rp.dir === 'both') && rel.start === current) candidates.push([rel, rel.end]);
          if ((rp.dir === 'in' || rp.dir === 'both') && rel.end === current) candidates.push([rel, rel.start]);
        }
      } else {
        if (rp.dir === 'out' || rp.dir === 'both') for (const rel of current.out) candidates.push([rel, rel.end]);
        if (rp.dir === 'in' || rp.dir === 'both') for (const rel of current.in) candidates.push([rel, rel.start]);
      }
      for (const [rel, other] of candidates) {
        if (rel.deleted) continue;
        if (rp.type && rel.type !== rp.type) continue;
        if (!rprops.every(([k, v]) => valueEquals(rel.props.has(k) ? rel.props.get(k) : null, v) === true)) continue;
        if (rp.v && r.has(rp.v) && r.get(rp.v) !== rel) continue;
        if (np.v && r.has(np.v) && r.get(np.v) !== other) continue;
        if (!self.nodeMatches(other, np, r)) continue;
        const r2 = new Map(r);
        if (rp.v) r2.set(rp.v, rel);
        if (np.v) r2.set(np.v, other);
        yield* step(i + 1, other, r2);
      }
    }
    const first = nodes[0];
    let starts;
    if (first.v && row.has(first.v)) {
      const bound = row.get(first.v);
      if (!(bound instanceof Node)) throw typeError(`Variable \`${first.v}\` is not a node`);
      starts = [bound];
    } else {
      starts = this.candidates(first, row, hint);
    }
    for (const n of starts) {
      if (!this.nodeMatches(n, first, row)) continue;
      const r = new Map(row);
      if (first.v) r.set(first.v, n);
      yield* step(0, n, r);
    }
  }

  /// WHERE conjuncts `v.key IN expr` / `v.key = expr` on an indexed key: index lookups.
  hints(where) {
    const hint = new Map();
    const visit = (e) => {
      if (!e) return;
      if (e.kind === 'and') { visit(e.a); visit(e.b); return; }
      if ((e.kind === 'in' || (e.kind === 'cmp' && e.op === '=')) && e.a.kind === 'prop' && e.a.a.kind === 'var' &&
          this.g.byProp.has(e.a.key) && !usesVar(e.b, e.a.a.name)) {
        hint.set(e.a.a.name, { key: e.a.key, valuesExpr: e.kind === 'in' ? e.b : { kind: 'list', items: [e.b] } });
      }
    };
    visit(where);
    return hint;
  }

  createPattern(pattern, row) {
    const r = new Map(row);
    const nodeFor = (np) => {
      if (np.v && r.has(np.v)) return r.get(np.v);
      const n = this.tx.createNode(np.labels, this.propsOf(np.props, r));
      if (np.v) r.set(np.v, n);
      return n;
    };
    let prev = nodeFor(pattern.nodes[0]);
    pattern.rels.forEach((rp, i) => {
      const next = nodeFor(pattern.nodes[i + 1]);
      if (!rp.type) throw syntaxError('a relationship to create needs a type');
      if (rp.dir === 'both') throw syntaxError('a relationship to create needs a direction');
      const [s, e] = rp.dir === 'out' ? [prev, next] : [next, prev];
      const rel = this.tx.createRel(rp.type, s, e, this.propsOf(rp.props, r));
      if (rp.v) r.set(rp.v, rel);
      prev = next;
    });
    return r;
  }

  applySet(items, row) {
    for (const it of items) {
      const target = row.get(it.v);
      if (target === undefined) throw syntaxError(`Variable \`${it.v}\` not defined`);
      if (target === null) continue;
      if (it.kind === 'labels') { for (const l of it.labels) this.tx.addLabel(target, l); continue; }
      if (it.kind === 'prop') { this.tx.setProp(target, it.key, this.eval(it.expr, row)); continue; }
      let m = this.eval(it.expr, row);
      if (m instanceof Node || m instanceof Rel) m = propsToObject(m);
      if (!isMap(m)) throw typeError(`SET ${it.v} ${it.kind === 'merge' ? '+=' : '='} expects a map`);
      if (it.kind === 'replace') for (const k of [...target.props.keys()]) if (!(k in m)) this.tx.setProp(target, k, null);
      for (const [k, v] of Object.entries(m)) this.tx.setProp(target, k, v);
    }
  }

  project(c, rows) {
    const items = c.items.flatMap((it) => (it.star ? [...(rows[0] ? rows[0].keys() : [])].map((k) => ({ expr: { kind: 'var', name: k }, alias: k })) : [it]));
    const hasAgg = items.some((it) => containsAgg(it.expr));
    let out;
    if (!hasAgg) {
      out = rows.map((r) => new Map(items.map((it) => [it.alias, this.eval(it.expr, r)])));
    } else {
      const groups = new Map();
      for (const r of rows) {
        const keyVals = items.filter((it) => !containsAgg(it.expr)).map((it) => this.eval(it.expr, r));
        const key = keyVals.map(keyOf).join('\u0000');
        if (!groups.has(key)) groups.set(key, { keyVals, rows: [] });
        groups.get(key).rows.push(r);
      }
      if (!groups.size && items.every((it) => containsAgg(it.expr))) groups.set('', { keyVals: [], rows: [] });
      out = [];
      for (const { keyVals, rows: gr } of groups.values()) {
        let ki = 0;
        const m = new Map();
        for (const it of items) {
          if (containsAgg(it.expr)) m.set(it.alias, this.aggregate(it.expr, gr));
          else m.set(it.alias, keyVals[ki++]);
        }
        out.push(m);
      }
    }
    if (c.distinct) {
      const seen = new Set();
      out = out.filter((m) => { const k = [...m.values()].map(keyOf).join('\u0000'); if (seen.has(k)) return false; seen.add(k); return true; });
    }
    if (c.order.length) {
      const keyed = out.map((m, i) => {
        const scope = new Map([...(rows[i] || new Map()), ...m]);
        return { m, keys: c.order.map((o) => this.eval(o.expr, hasAgg ? m : scope)) };
      });
      keyed.sort((x, y) => {
        for (let i = 0; i < c.order.length; i++) {
          const r = compare(x.keys[i], y.keys[i]) ?? (x.keys[i] === null ? 1 : y.keys[i] === null ? -1 : 0);
          if (r) return c.order[i].desc ? -r : r;
        }
        return 0;
      });
      out = keyed.map((k) => k.m);
    }
    if (c.skip) out = out.slice(Number(this.eval(c.skip, new Map())));
    if (c.limit) {
      const lim = this.eval(c.limit, new Map());
      if (typeof lim !== 'bigint' || lim < 0n) throw new CypherError('Neo.ClientError.Statement.ArgumentError', 'LIMIT must be a non-negative integer');
      out = out.slice(0, Number(lim));
    }
    if (c.where) out = out.filter((m) => this.eval(c.where, m) === true);
    return { rows: out, columns: items.map((it) => it.alias) };
  }

  aggregate(e, rows) {
    if (e.kind === 'agg') {
      if (e.star) return BigInt(rows.length);
      let vals = rows.map((r) => this.eval(e.arg, r)).filter((v) => v !== null && v !== undefined);
      if (e.distinct) { const s = new Set(); vals = vals.filter((v) => { const k = keyOf(v); if (s.has(k)) return false; s.add(k); return true; }); }
      switch (e.fn) {
        case 'count': return BigInt(vals.length);
        case 'collect': return vals;
        case 'sum': return vals.reduce((a, b) => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b)), 0n);
        case 'min': return vals.reduce((a, b) => (a === null || compare(b, a) < 0 ? b : a), null);
        case 'max': return vals.reduce((a, b) => (a === null || compare(b, a) > 0 ? b : a), null);
        default: break;
      }
    }
    throw syntaxError('aggregations inside expressions are not supported by the test server');
  }

  run(clauses) {
    let rows = [new Map()];
    let columns = [];
    let wrote = false;
    for (const c of clauses) {
      switch (c.kind) {
        case 'SCHEMA': {
          const coll = c.what === 'CONSTRAINT' ? this.g.constraints : this.g.indexes;
          const name = c.name || `${c.what.toLowerCase()}_${c.label}_${c.prop}`;
          if (coll.has(name)) {
            const old = coll.get(name);
            if (!c.ifNotExists || old.label !== c.label || old.prop !== c.prop) {
              throw new CypherError('Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists', `An equivalent ${c.what.toLowerCase()} already exists: ${name}`);
            }
            break;
          }
          this.tx.addSchema(coll, name, { label: c.label, prop: c.prop });
          wrote = true;
          break;
        }
        case 'UNWIND': {
          const out = [];
          for (const r of rows) {
            const list = this.eval(c.expr, r);
            if (list === null) continue;
            for (const x of Array.isArray(list) ? list : [list]) { const r2 = new Map(r); r2.set(c.as, x); out.push(r2); }
          }
          rows = out;
          break;
        }
        case 'MATCH': {
          const out = [];
          const hint = this.hints(c.where);
          for (const r of rows) {
            let partial = [r];
            for (const p of c.patterns) {
              const next = [];
              for (const pr of partial) for (const m of this.matchPattern(p, pr, hint)) next.push(m);
              partial = next;
            }
            if (c.where) partial = partial.filter((m) => this.eval(c.where, m) === true);
            if (!partial.length && c.optional) {
              const r2 = new Map(r);
              for (const p of c.patterns) {
                for (const np of p.nodes) if (np.v && !r2.has(np.v)) r2.set(np.v, null);
                for (const rp of p.rels) if (rp.v && !r2.has(rp.v)) r2.set(rp.v, null);
              }
              partial = [r2];
            }
            out.push(...partial);
          }
          rows = out;
          break;
        }
        case 'MERGE': {
          const out = [];
          for (const r of rows) {
            // Each row sees the writes of the rows before it (as in Neo4j).
            const found = [...this.matchPattern(c.pattern, r)];
            if (found.length) {
              for (const m of found) { this.applySet(c.onMatch, m); out.push(m); }
            } else {
              for (const np of c.pattern.nodes) {
                for (const [k, v] of this.propsOf(np.props, r)) {
                  if (v === null) throw new CypherError('Neo.ClientError.Statement.SemanticError', `Cannot merge the following node because of null property value for '${k}'`);
                }
              }
              const m = this.createPattern(c.pattern, r);
              this.applySet(c.onCreate, m);
              out.push(m);
            }
          }
          rows = out;
          wrote = true;
          break;
        }
        case 'CREATE':
          rows = rows.map((r) => { let m = r; for (const p of c.patterns) m = this.createPattern(p, m); return m; });
          wrote = true;
          break;
        case 'SET':
          for (const r of rows) this.applySet(c.items, r);
          wrote = true;
          break;
        case 'REMOVE':
          for (const r of rows) {
            for (const it of c.items) {
              const t = r.get(it.v);
              if (!t) continue;
              if (it.kind === 'prop') this.tx.setProp(t, it.key, null);
              else for (const l of it.labels) this.tx.removeLabel(t, l);
            }
          }
          wrote = true;
          break;
        case 'DELETE': {
          const victims = [];
          for (const r of rows) for (const e of c.exprs) victims.push(this.eval(e, r));
          // Relationships first, then nodes, so DELETE n, r in either order works.
          for (const v of victims) if (v instanceof Rel) this.tx.deleteRel(v);
          for (const v of victims) if (v instanceof Node) this.tx.deleteNode(v, c.detach);
          for (const v of victims) if (v !== null && !(v instanceof Node) && !(v instanceof Rel)) throw typeError('DELETE expects a node or relationship');
          wrote = true;
          break;
        }
        case 'WITH': {
          const p = this.project(c, rows);
          rows = p.rows;
          break;
        }
        case 'RETURN': {
          const p = this.project(c, rows);
          rows = p.rows;
          columns = p.columns;
          break;
        }
        default: throw syntaxError(`clause ${c.kind}`);
      }
    }
    const last = clauses[clauses.length - 1];
    if (last.kind !== 'RETURN') { rows = []; columns = []; }
    const schemaOnly = clauses.every((c) => c.kind === 'SCHEMA');
    return { columns, records: rows.map((r) => columns.map((k) => r.get(k))), wrote, schemaOnly };
  }
}

function usesVar(e, name) {
  if (!e || typeof e !== 'object') return false;
  if (e.kind === 'var' && e.name === name) return true;
  return Object.values(e).some((x) => (Array.isArray(x) ? x.some((y) => usesVar(y, name)) : typeof x === 'object' && usesVar(x, name)));
}

function containsAgg(e) {
  if (!e || typeof e !== 'object') return false;
  if (e.kind === 'agg') return true;
  return Object.values(e).some((x) => (Array.isArray(x) ? x.some(containsAgg) : typeof x === 'object' && containsAgg(x)));
}

function keyOf(v) {
  if (v instanceof Node) return `n${v.iid}`;
  if (v instanceof Rel) return `r${v.iid}`;
  return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

const parseCache = new Map();
function parse(text) {
  let clauses = parseCache.get(text);
  if (!clauses) {
    clauses = new Parser(text).statement();
    if (parseCache.size > 10000) parseCache.clear();
    parseCache.set(text, clauses);
  }
  return clauses;
}

// ---- Compiled fast paths ----------------------------------------------------------------------
//
// The writer sends the same two statement shapes hundreds of thousands of times
// (src/graph/cypher.cc):
//   node: UNWIND $rows AS r MERGE (n:`L` {id: r.id}) SET n += r[, n:`T`]
//   rel:  UNWIND $rows AS r MERGE (a:`A` {id: r.src}) MERGE (b:`B` {id: r.dst})
//         MERGE (a)-[e:`T` {id: r.props.id}]->(b) SET e += r.props
// Those shapes are recognised on the parsed clauses (so spelling and quoting follow the parser)
// and run without per-row Maps, generators or pattern matching, with the same effects in the same
// order as the general Executor: clause by clause over all rows, each row seeing the writes of the
// rows before it, ids looked up in the property index. When a batch holds anything the fast path
// does not model exactly (a row that is not a map, a non-string id), the whole statement goes to
// the general Executor, which stays the reference.

const isVar = (e, name) => e && e.kind === 'var' && (name === undefined || e.name === name);
const isPropOf = (e, v, key) => e && e.kind === 'prop' && e.key === key && isVar(e.a, v);
function onlyIdProp(props, test) {
  return props && props.kind === 'map' && props.entries.length === 1 && props.entries[0][0] === 'id' && test(props.entries[0][1]);
}
/// `MERGE (v:L {id: <expr>})` with no ON CREATE / ON MATCH: returns {v, label} or null.
function mergeNodeById(c, test) {
  if (c.kind !== 'MERGE' || c.onCreate.length || c.onMatch.length) return null;
  const { nodes, rels } = c.pattern;
  if (rels.length || nodes.length !== 1) return null;
  const np = nodes[0];
  if (!np.v || np.labels.length !== 1 || !onlyIdProp(np.props, test)) return null;
  return { v: np.v, label: np.labels[0] };
}

function compilePlan(clauses) {
  const [u, ...rest] = clauses;
  if (!u || u.kind !== 'UNWIND' || u.expr.kind !== 'param') return null;
  const r = u.as;
  // Node rows.
  if (rest.length === 2) {
    const m = mergeNodeById(rest[0], (x) => isPropOf(x, r, 'id'));
    const set = rest[1];
    if (!m || m.v === r || set.kind !== 'SET') return null;
    const [plus, labels, ...more] = set.items;
    if (more.length || !plus || plus.kind !== 'merge' || plus.v !== m.v || !isVar(plus.expr, r)) return null;
    if (labels && (labels.kind !== 'labels' || labels.v !== m.v)) return null;
    return { kind: 'node', param: u.expr.name, label: m.label, extra: labels ? labels.labels : [] };
  }
  // Relationship rows.
  if (rest.length === 4) {
    const a = mergeNodeById(rest[0], (x) => isPropOf(x, r, 'src'));
    const b = mergeNodeById(rest[1], (x) => isPropOf(x, r, 'dst'));
    const m = rest[2];
    const set = rest[3];
    if (!a || !b || a.v === b.v || a.v === r || b.v === r) return null;
    if (m.kind !== 'MERGE' || m.onCreate.length || m.onMatch.length) return null;
    const { nodes, rels } = m.pattern;
    if (nodes.length !== 2 || rels.length !== 1) return null;
    const [na, nb] = nodes;
    const rp = rels[0];
    if (na.v !== a.v || na.labels.length || na.props || nb.v !== b.v || nb.labels.length || nb.props) return null;
    if (!rp.v || rp.dir !== 'out' || !rp.type || [r, a.v, b.v].includes(rp.v)) return null;
    const propsOfRow = (x) => isPropOf(x, r, 'props');
    if (!onlyIdProp(rp.props, (x) => x.kind === 'prop' && x.key === 'id' && propsOfRow(x.a))) return null;
    if (set.kind !== 'SET' || set.items.length !== 1) return null;
    const it = set.items[0];
    if (it.kind !== 'merge' || it.v !== rp.v || !propsOfRow(it.expr)) return null;
    return { kind: 'rel', param: u.expr.name, startLabel: a.label, endLabel: b.label, type: rp.type };
  }
  return null;
}

const hasOwn = Object.prototype.hasOwnProperty;
const field = (m, k) => (hasOwn.call(m, k) && m[k] !== undefined ? m[k] : null);

/// Calls visit(node) for each node with `label` and string property id = `id`, in index order,
/// as the general matcher finds them; returns how many.
function forNodesById(g, label, id, visit) {
  const slot = g.byProp.get('id').get(id);
  if (slot === undefined) return 0;
  if (!(slot instanceof Set)) {
    if (slot.deleted || !slot.labels.has(label)) return 0;
    visit(slot);
    return 1;
  }
  const found = [];
  for (const n of slot) if (!n.deleted && n.labels.has(label)) found.push(n);
  for (const n of found) visit(n);
  return found.length;
}

/// MERGE (v:label {id: ids[k]}) over the rows given as columns (`cols`, one array per bound
/// variable, all of one length; cols[0] holds the UNWIND row): every row is extended with the
/// node(s) it matches or the node it creates. Returns the new columns, one more than `cols`.
function mergeNodes(tx, label, cols, idOf) {
  const n = cols[0].length;
  const out = cols.map(() => []);
  const added = [];
  for (let k = 0; k < n; k++) {
    const id = idOf(cols[0][k]);
    const copyRow = () => { for (let c = 0; c < cols.length; c++) out[c].push(cols[c][k]); };
    const hits = forNodesById(tx.g, label, id, (node) => { copyRow(); added.push(node); });
    if (!hits) { copyRow(); added.push(tx.createNode([label], [['id', id]])); }
  }
  out.push(added);
  return out;
}

/// SET target += map, as Executor.applySet does it.
function setAll(tx, target, m) {
  for (const k of Object.keys(m)) tx.setProp(target, k, m[k]);
}

function runPlan(plan, graph, tx, params) {
  if (!hasOwn.call(params, plan.param)) return null;
  const list = params[plan.param];
  if (!Array.isArray(list)) return null;
  if (plan.kind === 'node') {
    for (const r of list) if (!isMap(r) || typeof field(r, 'id') !== 'string') return null;
    const [rs, ns] = mergeNodes(tx, plan.label, [list], (r) => r.id);
    for (let k = 0; k < rs.length; k++) {
      setAll(tx, ns[k], rs[k]);
      for (const l of plan.extra) tx.addLabel(ns[k], l);
    }
  } else {
    for (const r of list) {
      if (!isMap(r) || typeof field(r, 'src') !== 'string' || typeof field(r, 'dst') !== 'string') return null;
      const p = field(r, 'props');
      if (!isMap(p) || typeof field(p, 'id') !== 'string') return null;
    }
    const [rs, as, bs] = mergeNodes(tx, plan.endLabel, mergeNodes(tx, plan.startLabel, [list], (r) => r.src), (r) => r.dst);
    const setRows = [];
    const setRels = [];
    for (let k = 0; k < rs.length; k++) {
      const r = rs[k];
      const a = as[k];
      const b = bs[k];
      const id = r.props.id;
      let hits = 0;
      if (!a.deleted && !b.deleted) {
        const slot = graph.relById.get(id);
        const one = (rel) => {
          if (rel.start === a && !rel.deleted && rel.type === plan.type && rel.end === b) { setRows.push(r); setRels.push(rel); hits++; }
        };
        if (slot instanceof Set) { for (const rel of [...slot]) one(rel); } else if (slot !== undefined) one(slot);
      }
      if (!hits) { setRows.push(r); setRels.push(tx.createRel(plan.type, a, b, [['id', id]])); }
    }
    for (let k = 0; k < setRows.length; k++) setAll(tx, setRels[k], setRows[k].props);
  }
  return { columns: [], records: [], wrote: true, schemaOnly: false };
}

const planCache = new Map();
function planFor(text) {
  let plan = planCache.get(text);
  if (plan === undefined) {
    plan = compilePlan(parse(text));
    if (planCache.size > 10000) planCache.clear();
    planCache.set(text, plan);
  }
  return plan;
}

/// Runs one statement in `tx`. Returns {columns, records, wrote}.
function execute(graph, tx, text, params) {
  params = params || {};
  const plan = planFor(text);
  if (plan) {
    const result = runPlan(plan, graph, tx, params);
    if (result) return result;
  }
  return new Executor(graph, tx, params).run(parse(text));
}

/// True when a statement would write (for NotALeader on cluster followers).
function isWrite(text) {
  return parse(text).some((c) => ['MERGE', 'CREATE', 'SET', 'DELETE', 'REMOVE', 'SCHEMA'].includes(c.kind));
}

/// The graph as sorted canonical JSON lines, in the layout of APOC's export (jsonl):
/// nodes {type, id, labels, properties} and relationships {type, label, start, end, properties},
/// with our content id (property `id`) as the node identity.
function dump(graph) {
  const conv = (v) => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(conv) : v);
  const sortedProps = (e) => {
    const o = {};
    for (const k of [...e.props.keys()].sort()) o[k] = conv(e.props.get(k));
    return o;
  };
  const nodeKey = (n) => (n.props.has('id') ? n.props.get('id') : `iid:${n.iid}`);
  const lines = [];
  for (const n of graph.nodes.values()) {
    lines.push(JSON.stringify({ type: 'node', id: nodeKey(n), labels: [...n.labels].sort(), properties: sortedProps(n) }));
  }
  for (const r of graph.rels.values()) {
    lines.push(JSON.stringify({ type: 'relationship', label: r.type, start: nodeKey(r.start), end: nodeKey(r.end), properties: sortedProps(r) }));
  }
  lines.sort();
  return {
    lines,
    constraints: [...graph.constraints.entries()].map(([name, c]) => ({ name, ...c })),
    indexes: [...graph.indexes.entries()].map(([name, c]) => ({ name, ...c })),
    schema_order: graph.schemaLog.slice(),
  };
}

module.exports = { Graph, Tx, Node, Rel, CypherError, execute, isWrite, dump, parse, tokenize };
