#include "neo4j/packstream.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace ast2graph::neo4j {

namespace {

// Marker bytes (PackStream v2).
constexpr uint8_t kNull = 0xC0;
constexpr uint8_t kFloat64 = 0xC1;
constexpr uint8_t kFalse = 0xC2;
constexpr uint8_t kTrue = 0xC3;
constexpr uint8_t kInt8 = 0xC8;
constexpr uint8_t kInt16 = 0xC9;
constexpr uint8_t kInt32 = 0xCA;
constexpr uint8_t kInt64 = 0xCB;
constexpr uint8_t kBytes8 = 0xCC;
constexpr uint8_t kBytes16 = 0xCD;
constexpr uint8_t kBytes32 = 0xCE;
constexpr uint8_t kTinyString = 0x80;
constexpr uint8_t kString8 = 0xD0;
constexpr uint8_t kString16 = 0xD1;
constexpr uint8_t kString32 = 0xD2;
constexpr uint8_t kTinyList = 0x90;
constexpr uint8_t kList8 = 0xD4;
constexpr uint8_t kList16 = 0xD5;
constexpr uint8_t kList32 = 0xD6;
constexpr uint8_t kTinyMap = 0xA0;
constexpr uint8_t kMap8 = 0xD8;
constexpr uint8_t kMap16 = 0xD9;
constexpr uint8_t kMap32 = 0xDA;
constexpr uint8_t kTinyStruct = 0xB0;

Status Malformed(std::string what) {
  return Status(ErrorCode::kNeo4jConnection, "malformed PackStream: " + std::move(what));
}

class Reader {
 public:
  Reader(std::string_view bytes, const DecodeLimits& limits) : in_(bytes), limits_(limits) {}

  Status Read(Value* out, int depth) {
    if (depth > limits_.max_depth) return Malformed("nesting deeper than the limit");
    uint8_t marker;
    if (!Byte(&marker)) return Truncated();
    if (marker < 0x80) {
      out->v = int64_t{marker};
      return {};
    }
    if (marker >= 0xF0) {
      out->v = int64_t{static_cast<int8_t>(marker)};
      return {};
    }
    const uint8_t high = marker & 0xF0;
    const uint32_t low = marker & 0x0F;
    if (high == kTinyString) return ReadString(low, out);
    if (high == kTinyList) return ReadList(low, out, depth);
    if (high == kTinyMap) return ReadMap(low, out, depth);
    if (high == kTinyStruct) return ReadStruct(low, out, depth);
    uint64_t n = 0;
    switch (marker) {
      case kNull: out->v = nullptr; return {};
      case kTrue: out->v = true; return {};
      case kFalse: out->v = false; return {};
      case kFloat64: {
        if (!Unsigned(8, &n)) return Truncated();
        double d;
        std::memcpy(&d, &n, sizeof d);
        out->v = d;
        return {};
      }
      case kInt8: case kInt16: case kInt32: case kInt64: {
        const int width = 1 << (marker - kInt8);
        if (!Unsigned(width, &n)) return Truncated();
        // Sign-extend from `width` bytes.
        const int shift = 64 - 8 * width;
        out->v = static_cast<int64_t>(n << shift) >> shift;
        return {};
      }
      case kBytes8: case kBytes16: case kBytes32: {
        if (!Unsigned(1 << (marker - kBytes8), &n)) return Truncated();
        if (n > Remaining()) return Malformed(fmt::format("bytes of size {} exceed the message", n));
        out->v = Bytes{std::string(in_.substr(pos_, n))};
        pos_ += n;
        return {};
      }
      case kString8: case kString16: case kString32:
        if (!Unsigned(1 << (marker - kString8), &n)) return Truncated();
        return ReadString(n, out);
      case kList8: case kList16: case kList32:
        if (!Unsigned(1 << (marker - kList8), &n)) return Truncated();
        return ReadList(n, out, depth);
      case kMap8: case kMap16: case kMap32:
        if (!Unsigned(1 << (marker - kMap8), &n)) return Truncated();
        return ReadMap(n, out, depth);
      default:
        return Malformed(fmt::format("unknown marker 0x{:02X}", marker));
    }
  }

  size_t Remaining() const { return in_.size() - pos_; }

 private:
  Status Truncated() { return Malformed("value truncated"); }

  bool Byte(uint8_t* b) {
    if (pos_ >= in_.size()) return false;
    *b = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool Unsigned(int width, uint64_t* n) {
    if (Remaining() < static_cast<size_t>(width)) return false;
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += width;
    *n = v;
    return true;
  }
  Status ReadString(uint64_t n, Value* out) {
    if (n > Remaining()) return Malformed(fmt::format("string of size {} exceeds the message", n));
    out->v = std::string(in_.substr(pos_, n));
    pos_ += n;
    return {};
  }
  // Every element takes at least one byte: a count larger than what remains is hostile, and is
  // refused before anything is reserved.
  Status ReadList(uint64_t n, Value* out, int depth) {
    if (n > Remaining()) return Malformed(fmt::format("list of size {} exceeds the message", n));
    List list;
    list.resize(n);
    for (auto& item : list) {
      if (Status s = Read(&item, depth + 1); !s.ok()) return s;
    }
    out->v = std::move(list);
    return {};
  }
  Status ReadMap(uint64_t n, Value* out, int depth) {
    if (n > Remaining() / 2) return Malformed(fmt::format("map of size {} exceeds the message", n));
    Map map;
    map.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      Value key;
      if (Status s = Read(&key, depth + 1); !s.ok()) return s;
      if (!key.AsString()) return Malformed("map key is not a string");
      Value value;
      if (Status s = Read(&value, depth + 1); !s.ok()) return s;
      map.emplace_back(std::move(*std::get_if<std::string>(&key.v)), std::move(value));
    }
    out->v = std::move(map);
    return {};
  }
  Status ReadStruct(uint64_t n, Value* out, int depth) {
    Structure st;
    if (!Byte(&st.tag)) return Truncated();
    if (n > Remaining()) return Malformed("structure exceeds the message");
    st.fields.resize(n);
    for (auto& field : st.fields) {
      if (Status s = Read(&field, depth + 1); !s.ok()) return s;
    }
    out->v = std::move(st);
    return {};
  }

  std::string_view in_;
  size_t pos_ = 0;
  const DecodeLimits& limits_;
};

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append(fmt::format("\\u{:04x}", static_cast<unsigned char>(c)));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendDebug(const Value& value, std::string* out) {
  struct Visitor {
    std::string* out;
    void operator()(std::nullptr_t) const { out->append("null"); }
    void operator()(bool b) const { out->append(b ? "true" : "false"); }
    void operator()(int64_t i) const { out->append(std::to_string(i)); }
    void operator()(double d) const { out->append(fmt::format("{}", d)); }
    void operator()(const std::string& s) const { AppendJsonString(s, out); }
    void operator()(const Bytes& b) const {
      out->append("#");
      for (char c : b.data) out->append(fmt::format("{:02X}", static_cast<unsigned char>(c)));
    }
    void operator()(const List& l) const {
      out->push_back('[');
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) out->append(", ");
        AppendDebug(l[i], out);
      }
      out->push_back(']');
    }
    void operator()(const Map& m) const {
      out->push_back('{');
      for (size_t i = 0; i < m.size(); ++i) {
        if (i) out->append(", ");
        AppendJsonString(m[i].first, out);
        out->append(": ");
        AppendDebug(m[i].second, out);
      }
      out->push_back('}');
    }
    void operator()(const Structure& s) const {
      out->append(StructureName(s.tag));
      if (std::string_view(StructureName(s.tag)) == "Structure") {
        out->append(fmt::format("<0x{:02X}>", s.tag));
      }
      out->push_back('(');
      for (size_t i = 0; i < s.fields.size(); ++i) {
        if (i) out->append(", ");
        AppendDebug(s.fields[i], out);
      }
      out->push_back(')');
    }
  };
  std::visit(Visitor{out}, value.v);
}

Status BadStruct(const char* name, const std::string& why) {
  return Status(ErrorCode::kNeo4jConnection, fmt::format("malformed {} structure: {}", name, why));
}

bool AllStrings(const Value& v) {
  const List* l = v.AsList();
  if (!l) return false;
  for (const Value& x : *l) {
    if (!x.AsString()) return false;
  }
  return true;
}

Result<RelationshipValue> RelationshipFrom(const Structure& s) {
  RelationshipValue r;
  const auto& f = s.fields;
  if (s.tag == tag::kRelationship) {
    if (f.size() != 5 && f.size() != 8) return BadStruct("Relationship", "field count");
    if (!f[0].AsInt() || !f[1].AsInt() || !f[2].AsInt() || !f[3].AsString() || !f[4].AsMap()) {
      return BadStruct("Relationship", "field types");
    }
    r.id = *f[0].AsInt();
    r.start = *f[1].AsInt();
    r.end = *f[2].AsInt();
    r.type = *f[3].AsString();
    r.properties = *f[4].AsMap();
    if (f.size() == 8) {
      if (!f[5].AsString() || !f[6].AsString() || !f[7].AsString()) {
        return BadStruct("Relationship", "element ids");
      }
      r.element_id = *f[5].AsString();
      r.start_element_id = *f[6].AsString();
      r.end_element_id = *f[7].AsString();
    }
    return r;
  }
  if (s.tag == tag::kUnboundRelationship) {
    if (f.size() != 3 && f.size() != 4) return BadStruct("UnboundRelationship", "field count");
    if (!f[0].AsInt() || !f[1].AsString() || !f[2].AsMap()) {
      return BadStruct("UnboundRelationship", "field types");
    }
    r.id = *f[0].AsInt();
    r.type = *f[1].AsString();
    r.properties = *f[2].AsMap();
    if (f.size() == 4) {
      if (!f[3].AsString()) return BadStruct("UnboundRelationship", "element id");
      r.element_id = *f[3].AsString();
    }
    return r;
  }
  return BadStruct("Relationship", "not a relationship");
}

Result<NodeValue> NodeFrom(const Structure& s) {
  const auto& f = s.fields;
  if (s.tag != tag::kNode) return BadStruct("Node", "not a node");
  if (f.size() != 3 && f.size() != 4) return BadStruct("Node", "field count");
  if (!f[0].AsInt() || !AllStrings(f[1]) || !f[2].AsMap()) return BadStruct("Node", "field types");
  NodeValue n;
  n.id = *f[0].AsInt();
  for (const Value& l : *f[1].AsList()) n.labels.push_back(*l.AsString());
  n.properties = *f[2].AsMap();
  if (f.size() == 4) {
    if (!f[3].AsString()) return BadStruct("Node", "element id");
    n.element_id = *f[3].AsString();
  }
  return n;
}

// Field layouts of the fixed-shape structures: 'i' integer, 's' string, 'f' float.
struct Layout {
  uint8_t tag;
  const char* name;
  const char* fields;
};
constexpr Layout kLayouts[] = {
    {tag::kDate, "Date", "i"},
    {tag::kTime, "Time", "ii"},
    {tag::kLocalTime, "LocalTime", "i"},
    {tag::kDateTime, "DateTime", "iii"},
    {tag::kDateTimeZoneId, "DateTimeZoneId", "iis"},
    {tag::kLegacyDateTime, "LegacyDateTime", "iii"},
    {tag::kLegacyDateTimeZoneId, "LegacyDateTimeZoneId", "iis"},
    {tag::kLocalDateTime, "LocalDateTime", "ii"},
    {tag::kDuration, "Duration", "iiii"},
    {tag::kPoint2D, "Point2D", "iff"},
    {tag::kPoint3D, "Point3D", "ifff"},
};

}  // namespace

bool Structure::operator==(const Structure& other) const {
  return tag == other.tag && fields == other.fields;
}

const Value* Value::Find(std::string_view key) const {
  const Map* m = AsMap();
  if (!m) return nullptr;
  for (const auto& [k, v] : *m) {
    if (k == key) return &v;
  }
  return nullptr;
}

const char* StructureName(uint8_t t) {
  switch (t) {
    case tag::kNode: return "Node";
    case tag::kRelationship: return "Relationship";
    case tag::kUnboundRelationship: return "UnboundRelationship";
    case tag::kPath: return "Path";
    default: break;
  }
  for (const Layout& l : kLayouts) {
    if (l.tag == t) return l.name;
  }
  return "Structure";
}

std::string DebugString(const Value& value) {
  std::string out;
  AppendDebug(value, &out);
  return out;
}

// ---- Encoder -------------------------------------------------------------------------------

void Encoder::Null() { out_->push_back(static_cast<char>(kNull)); }
void Encoder::Bool(bool b) { out_->push_back(static_cast<char>(b ? kTrue : kFalse)); }

void Encoder::Int(int64_t i) {
  auto put_be = [this](uint64_t v, int width) {
    for (int k = width - 1; k >= 0; --k) out_->push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  };
  if (i >= -16 && i < 128) {
    out_->push_back(static_cast<char>(static_cast<int8_t>(i)));
  } else if (i >= INT8_MIN && i < -16) {
    out_->push_back(static_cast<char>(kInt8));
    put_be(static_cast<uint64_t>(i), 1);
  } else if (i >= INT16_MIN && i <= INT16_MAX) {
    out_->push_back(static_cast<char>(kInt16));
    put_be(static_cast<uint64_t>(i), 2);
  } else if (i >= INT32_MIN && i <= INT32_MAX) {
    out_->push_back(static_cast<char>(kInt32));
    put_be(static_cast<uint64_t>(i), 4);
  } else {
    out_->push_back(static_cast<char>(kInt64));
    put_be(static_cast<uint64_t>(i), 8);
  }
}

void Encoder::Float(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  out_->push_back(static_cast<char>(kFloat64));
  for (int k = 7; k >= 0; --k) out_->push_back(static_cast<char>((bits >> (8 * k)) & 0xFF));
}

void Encoder::SizedMarker(uint32_t size, uint8_t tiny, uint8_t m8, uint8_t m16, uint8_t m32) {
  if (tiny && size < 16) {
    out_->push_back(static_cast<char>(tiny | size));
  } else if (size < 0x100) {
    out_->push_back(static_cast<char>(m8));
    out_->push_back(static_cast<char>(size));
  } else if (size < 0x10000) {
    out_->push_back(static_cast<char>(m16));
    out_->push_back(static_cast<char>(size >> 8));
    out_->push_back(static_cast<char>(size & 0xFF));
  } else {
    out_->push_back(static_cast<char>(m32));
    for (int k = 3; k >= 0; --k) out_->push_back(static_cast<char>((size >> (8 * k)) & 0xFF));
  }
}

void Encoder::String(std::string_view s) {
  SizedMarker(static_cast<uint32_t>(s.size()), kTinyString, kString8, kString16, kString32);
  out_->append(s);
}
void Encoder::BytesValue(std::string_view b) {
  SizedMarker(static_cast<uint32_t>(b.size()), 0, kBytes8, kBytes16, kBytes32);
  out_->append(b);
}
void Encoder::ListHeader(uint32_t size) { SizedMarker(size, kTinyList, kList8, kList16, kList32); }
void Encoder::MapHeader(uint32_t size) { SizedMarker(size, kTinyMap, kMap8, kMap16, kMap32); }
void Encoder::StructHeader(uint8_t size, uint8_t t) {
  out_->push_back(static_cast<char>(kTinyStruct | (size & 0x0F)));
  out_->push_back(static_cast<char>(t));
}

void Encoder::Encode(const Value& value) {
  struct Visitor {
    Encoder* e;
    void operator()(std::nullptr_t) const { e->Null(); }
    void operator()(bool b) const { e->Bool(b); }
    void operator()(int64_t i) const { e->Int(i); }
    void operator()(double d) const { e->Float(d); }
    void operator()(const std::string& s) const { e->String(s); }
    void operator()(const Bytes& b) const { e->BytesValue(b.data); }
    void operator()(const List& l) const {
      e->ListHeader(static_cast<uint32_t>(l.size()));
      for (const Value& x : l) e->Encode(x);
    }
    void operator()(const Map& m) const {
      e->MapHeader(static_cast<uint32_t>(m.size()));
      for (const auto& [k, x] : m) {
        e->String(k);
        e->Encode(x);
      }
    }
    void operator()(const Structure& s) const {
      e->StructHeader(static_cast<uint8_t>(s.fields.size()), s.tag);
      for (const Value& x : s.fields) e->Encode(x);
    }
  };
  std::visit(Visitor{this}, value.v);
}

// ---- Decoding ------------------------------------------------------------------------------

Result<Value> Decode(std::string_view bytes, const DecodeLimits& limits) {
  Reader reader(bytes, limits);
  Value v;
  if (Status s = reader.Read(&v, 0); !s.ok()) return s;
  if (reader.Remaining() != 0) {
    return Malformed(fmt::format("{} bytes after the value", reader.Remaining()));
  }
  return v;
}

Result<NodeValue> AsNode(const Value& value) {
  const Structure* s = value.AsStructure();
  if (!s) return BadStruct("Node", "not a structure");
  return NodeFrom(*s);
}

Result<RelationshipValue> AsRelationship(const Value& value) {
  const Structure* s = value.AsStructure();
  if (!s) return BadStruct("Relationship", "not a structure");
  return RelationshipFrom(*s);
}

Result<PathValue> AsPath(const Value& value) {
  const Structure* s = value.AsStructure();
  if (!s || s->tag != tag::kPath) return BadStruct("Path", "not a path");
  if (s->fields.size() != 3) return BadStruct("Path", "field count");
  const List* nodes = s->fields[0].AsList();
  const List* rels = s->fields[1].AsList();
  const List* indices = s->fields[2].AsList();
  if (!nodes || !rels || !indices) return BadStruct("Path", "field types");
  PathValue p;
  for (const Value& n : *nodes) {
    Result<NodeValue> node = AsNode(n);
    if (!node.ok()) return node.status();
    p.nodes.push_back(std::move(*node));
  }
  for (const Value& r : *rels) {
    const Structure* rs = r.AsStructure();
    if (!rs || rs->tag != tag::kUnboundRelationship) return BadStruct("Path", "relationship");
    Result<RelationshipValue> rel = RelationshipFrom(*rs);
    if (!rel.ok()) return rel.status();
    p.relationships.push_back(std::move(*rel));
  }
  // Indices alternate relationship (1-based, negative = traversed backwards) and node index.
  if (indices->size() % 2 != 0) return BadStruct("Path", "odd number of indices");
  for (size_t i = 0; i < indices->size(); ++i) {
    const int64_t* x = (*indices)[i].AsInt();
    if (!x) return BadStruct("Path", "index is not an integer");
    const int64_t limit = static_cast<int64_t>(i % 2 == 0 ? p.relationships.size() : p.nodes.size());
    const bool ok = i % 2 == 0 ? (*x != 0 && std::llabs(*x) <= limit) : (*x >= 0 && *x < limit);
    if (!ok) return BadStruct("Path", "index out of range");
    p.indices.push_back(*x);
  }
  return p;
}

Status ValidateStructures(const Value& value) {
  if (const List* l = value.AsList()) {
    for (const Value& x : *l) {
      if (Status s = ValidateStructures(x); !s.ok()) return s;
    }
    return {};
  }
  if (const Map* m = value.AsMap()) {
    for (const auto& [k, x] : *m) {
      if (Status s = ValidateStructures(x); !s.ok()) return s;
    }
    return {};
  }
  const Structure* st = value.AsStructure();
  if (!st) return {};
  switch (st->tag) {
    case tag::kNode: return AsNode(value).status();
    case tag::kRelationship:
    case tag::kUnboundRelationship: return AsRelationship(value).status();
    case tag::kPath: return AsPath(value).status();
    default: break;
  }
  for (const Layout& l : kLayouts) {
    if (l.tag != st->tag) continue;
    const size_t n = std::strlen(l.fields);
    if (st->fields.size() != n) return BadStruct(l.name, "field count");
    for (size_t i = 0; i < n; ++i) {
      const Value& f = st->fields[i];
      const bool ok = l.fields[i] == 'i' ? f.AsInt() != nullptr
                      : l.fields[i] == 's' ? f.AsString() != nullptr
                                           : f.AsFloat() != nullptr;
      if (!ok) return BadStruct(l.name, fmt::format("field {} has the wrong type", i));
    }
    return {};
  }
  for (const Value& f : st->fields) {
    if (Status s = ValidateStructures(f); !s.ok()) return s;
  }
  return {};
}

}  // namespace ast2graph::neo4j
