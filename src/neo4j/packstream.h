// PackStream v2: the value encoding of Bolt (https://neo4j.com/docs/bolt/current/packstream/).
//
// Encoder appends to a byte string (the writer encodes rows straight from FileGraph records, no
// Value trees on the hot path). Decoder reads a whole message into a generic Value; every size
// is checked against the bytes that remain and nesting is capped, so hostile input gives an
// error, never a crash or a huge allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ast2graph/status.h"

namespace ast2graph::neo4j {

struct Value;
using List = std::vector<Value>;
/// Map entries in wire order (PackStream maps are ordered on the wire; keys are unique).
using Map = std::vector<std::pair<std::string, Value>>;

/// Raw bytes (PackStream Bytes), kept apart from String.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

/// A PackStream structure: tag byte plus fields. Bolt's graph and temporal types are structures;
/// see the StructTag constants and the As*() accessors below.
struct Structure {
  uint8_t tag = 0;
  std::vector<Value> fields;
  bool operator==(const Structure&) const;
};

/// Any PackStream value.
struct Value {
  using Storage =
      std::variant<std::nullptr_t, bool, int64_t, double, std::string, Bytes, List, Map, Structure>;
  Storage v = nullptr;

  Value() = default;
  Value(std::nullptr_t) {}                     // NOLINT(google-explicit-constructor)
  Value(bool b) : v(b) {}                      // NOLINT(google-explicit-constructor)
  Value(int i) : v(int64_t{i}) {}              // NOLINT(google-explicit-constructor)
  Value(int64_t i) : v(i) {}                   // NOLINT(google-explicit-constructor)
  Value(double d) : v(d) {}                    // NOLINT(google-explicit-constructor)
  Value(const char* s) : v(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(std::string s) : v(std::move(s)) {}    // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : v(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(Bytes b) : v(std::move(b)) {}          // NOLINT(google-explicit-constructor)
  Value(List l) : v(std::move(l)) {}           // NOLINT(google-explicit-constructor)
  Value(Map m) : v(std::move(m)) {}            // NOLINT(google-explicit-constructor)
  Value(Structure s) : v(std::move(s)) {}      // NOLINT(google-explicit-constructor)

  bool IsNull() const { return std::holds_alternative<std::nullptr_t>(v); }
  const bool* AsBool() const { return std::get_if<bool>(&v); }
  const int64_t* AsInt() const { return std::get_if<int64_t>(&v); }
  const double* AsFloat() const { return std::get_if<double>(&v); }
  const std::string* AsString() const { return std::get_if<std::string>(&v); }
  const Bytes* AsBytes() const { return std::get_if<Bytes>(&v); }
  const List* AsList() const { return std::get_if<List>(&v); }
  const Map* AsMap() const { return std::get_if<Map>(&v); }
  const Structure* AsStructure() const { return std::get_if<Structure>(&v); }

  /// For a map: the value under `key`, or nullptr.
  const Value* Find(std::string_view key) const;

  bool operator==(const Value& other) const { return v == other.v; }
};

/// Structure tags of the Bolt 5 value types (and the legacy 4.x DateTime forms).
namespace tag {
inline constexpr uint8_t kNode = 0x4E;
inline constexpr uint8_t kRelationship = 0x52;
inline constexpr uint8_t kUnboundRelationship = 0x72;
inline constexpr uint8_t kPath = 0x50;
inline constexpr uint8_t kDate = 0x44;
inline constexpr uint8_t kTime = 0x54;
inline constexpr uint8_t kLocalTime = 0x74;
inline constexpr uint8_t kDateTime = 0x49;          // Bolt 5: seconds since epoch, UTC
inline constexpr uint8_t kDateTimeZoneId = 0x69;    // Bolt 5: UTC seconds + zone name
inline constexpr uint8_t kLegacyDateTime = 0x46;    // Bolt 4.x: local seconds + offset
inline constexpr uint8_t kLegacyDateTimeZoneId = 0x66;
inline constexpr uint8_t kLocalDateTime = 0x64;
inline constexpr uint8_t kDuration = 0x45;
inline constexpr uint8_t kPoint2D = 0x58;
inline constexpr uint8_t kPoint3D = 0x59;
}  // namespace tag

/// Human-readable name of a structure tag ("Node", "Date", ...; "Structure" if unknown).
const char* StructureName(uint8_t tag);

/// Renders a value for logs and test messages: maps and lists in JSON-like form, structures as
/// Name(field, ...). Never used for credentials (callers redact before rendering).
std::string DebugString(const Value& value);

// ---- Encoding ------------------------------------------------------------------------------

/// Appends PackStream to a byte string. Markers use the smallest size form, as the official
/// drivers do, so our bytes equal theirs.
class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  void Null();
  void Bool(bool b);
  void Int(int64_t i);
  void Float(double d);
  void String(std::string_view s);
  void BytesValue(std::string_view b);
  void ListHeader(uint32_t size);
  void MapHeader(uint32_t size);
  /// size < 16 (Bolt structures never have more fields).
  void StructHeader(uint8_t size, uint8_t tag);
  void Encode(const Value& value);

 private:
  void SizedMarker(uint32_t size, uint8_t tiny, uint8_t m8, uint8_t m16, uint8_t m32);
  std::string* out_;
};

// ---- Decoding ------------------------------------------------------------------------------

struct DecodeLimits {
  /// Nested lists/maps/structures (the official drivers recurse without a cap; we do not).
  int max_depth = 64;
};

/// Decodes exactly one value that must fill `bytes` completely. Errors are kNeo4jConnection
/// (a protocol violation: the connection cannot be trusted afterwards).
Result<Value> Decode(std::string_view bytes, const DecodeLimits& limits = {});

// ---- Typed views of the Bolt structures ----------------------------------------------------

struct NodeValue {
  int64_t id = 0;
  std::vector<std::string> labels;
  Map properties;
  std::string element_id;  // Bolt 5; empty on 4.4
};
struct RelationshipValue {
  int64_t id = 0;
  int64_t start = 0;  // 0 for an UnboundRelationship
  int64_t end = 0;
  std::string type;
  Map properties;
  std::string element_id, start_element_id, end_element_id;
};
struct PathValue {
  std::vector<NodeValue> nodes;
  std::vector<RelationshipValue> relationships;  // unbound
  std::vector<int64_t> indices;
};

/// Checks a structure's field count and field types and extracts it. kNeo4jConnection error
/// for malformed structures (a server never sends them).
Result<NodeValue> AsNode(const Value& value);
Result<RelationshipValue> AsRelationship(const Value& value);  // bound or unbound
Result<PathValue> AsPath(const Value& value);

/// Validates the field layout of every known structure inside `value` (recursively): the
/// temporal, spatial and graph types of Bolt 5 and 4.4. Unknown tags are accepted as generic.
Status ValidateStructures(const Value& value);

}  // namespace ast2graph::neo4j
