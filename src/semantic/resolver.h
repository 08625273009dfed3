// Cross-file resolution (DESIGN.md section 3: import, call and inherit edges between files).
// After every file is analyzed, each module contributes its small export table (top-level
// names with the content ids of their defining nodes, and re-exports); each ExternalRef a file
// left is then resolved against those tables alone, following re-exports (`from .x import y` in
// a package's __init__.py, `import a.b as c`, `from m import *`) with a cycle guard. No file's
// tree is needed. Memory: every string is interned once (about 12 bytes plus its text); an
// export costs 20 bytes (a definition) or 12 (a re-export): about 60 MB for 100,000 modules of
// 20 exports each.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/id.h"
#include "ast2graph/semantic.h"

namespace ast2graph::semantic {

/// What a call or a base class may land on (ExportRow::flags).
enum ExportFlag : uint8_t {
  kExportCallable = 1,  ///< a def or class: a `call` may land on it
  kExportClass = 2,     ///< a class: an `inherit` may land on it
};
/// The ExportFlag bits of an export, from its node's kind.
uint8_t ExportFlags(const ModuleExport& e);

/// One row of a module's export table (ModuleExport with the node's content id).
struct ExportRow {
  std::string_view name;         ///< "*" for `from m import *`
  graph::Id node;                ///< the defining node (for a re-export: its alias)
  std::string_view from_module;  ///< non-empty: a re-export of from_module's from_name
  std::string_view from_name;    ///< "" re-exports the module itself, "*" all its names
  uint8_t flags = 0;             ///< ExportFlags(export)
};

/// Where a reference lands.
struct Resolution {
  enum Kind : uint8_t {
    kNode,      ///< a node of the project: `node` (a Module, FunctionDef, ClassDef, ...)
    kExternal,  ///< a module outside the project: `external` (an ExternalModule node)
  };
  Kind kind = kNode;
  graph::Id node;
  std::string external;
  bool operator==(const Resolution&) const = default;
};

class Resolver {
 public:
  Resolver();
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  /// Adds a module of the project: its dotted name, the id of its Module node and its export
  /// table. A name added twice keeps its first module (add in source_id order).
  void AddModule(std::string_view module, const graph::Id& module_node,
                 std::span<const ExportRow> exports);
  /// Ends the adding phase (sorts the tables). Resolve may then run from several threads.
  void Freeze();

  /// Appends where a reference (ExternalRef's type, module and name; `name` may be dotted, as
  /// for a call `mod.sub.f()`) lands: every definition it can mean, or the external module it
  /// leaves the project through. Nothing when the module is in the project but the name is not
  /// found (an `import` reference then lands on the module itself).
  void Resolve(DependsType type, std::string_view module, std::string_view name,
               std::vector<Resolution>* out) const;

  /// Whether `module` is a module of the project.
  bool HasModule(std::string_view module) const;
  size_t module_count() const { return modules_.size(); }
  size_t export_count() const { return defs_.size() + res_.size(); }
  /// Bytes held by the tables (strings, modules, exports, indexes).
  size_t MemoryBytes() const;

 private:
  static constexpr uint32_t kNoString = 0xffffffffu;
  static constexpr uint32_t kNoModule = 0xffffffffu;

  /// A definition of the module: 20 bytes.
  struct DefRow {
    uint32_t name;   // string id in the low 30 bits, ExportFlag bits above
    uint32_t id[4];  // graph::Id as four words (no padding)
  };
  /// A re-export: 12 bytes (its alias's id is never an answer).
  struct ReRow {
    uint32_t name;
    uint32_t from_module;
    uint32_t from_name;
  };
  struct ModuleRec {
    uint32_t name;
    uint32_t first_def, def_count;
    uint32_t first_re, re_count;
    uint32_t id[4];
  };

  uint32_t Intern(std::string_view s);
  uint32_t Find(std::string_view s) const;
  uint32_t ModuleIndex(uint32_t name) const;
  std::string_view Str(uint32_t id) const {
    return std::string_view(chars_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  void Grow();

  // Interned strings: their bytes back to back, string i at [offsets_[i], offsets_[i + 1]);
  // an open-addressing index of string ids + 1 (0: empty) by content.
  std::string chars_;
  std::vector<uint32_t> offsets_{0};
  std::vector<uint32_t> index_;
  std::vector<ModuleRec> modules_;
  std::vector<DefRow> defs_;
  std::vector<ReRow> res_;
  std::vector<uint32_t> module_of_string_;  // string id -> module index (after Freeze)
  bool frozen_ = false;
};

}  // namespace ast2graph::semantic
