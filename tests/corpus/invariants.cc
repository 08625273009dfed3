// corpus_invariants [--allow-rejected] FILE...: parses each file with ast2graph::Parse and checks
// what must hold of every tree, whatever its snapshot says:
//  - structure: the root is a Module; every node's kind, every child's ASDL type and every
//    ctx/operator singleton's type agree with ast_nodes.def; required children are present; only
//    Dict.keys and arguments.kw_defaults hold None items; identifiers are non-empty;
//    ParsedModule::node_count() equals the number of nodes in the tree.
//  - positions: every positioned node has begin <= end <= size on UTF-8 character boundaries and
//    lies within its nearest positioned ancestor; the positioned items of a list field start in
//    source order. Only CPython's own exceptions are allowed (listed below, and checked against
//    CPython's trees by tools/gen_snapshots.py, which mirrors these rules).
//  - tokens (when the tokenizer exists): lex::Tokenize accepts the text, tokens lie within it, do
//    not overlap, start in order, and end with kEndMarker.
//  - determinism: parsing the same bytes twice gives the same dump.
// The walk uses an explicit stack, so deep trees cannot overflow it. Exit 0 when every file passes.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ast/dump.h"
#include "ast2graph/ast.h"
#include "ast2graph/parse.h"
#if A2G_HAVE_TOKENIZER
#include "lex/tokenizer.h"
#endif

namespace ast2graph {
namespace {

using ast::FieldType;
using ast::Kind;
using ast::Node;

/// The ASDL type of each ctx/operator singleton ("expr_context", "operator", ...).
constexpr const char* kSingletonType[] = {
#define A2G_ENUM(sum, name) #sum,
#include "ast2graph/ast_nodes.def"
};

const char* SumName(ast::Sum sum) {
  switch (sum) {
    case ast::Sum::mod:
      return "mod";
    case ast::Sum::stmt:
      return "stmt";
    case ast::Sum::expr:
      return "expr";
    case ast::Sum::excepthandler:
      return "excepthandler";
    case ast::Sum::pattern:
      return "pattern";
    case ast::Sum::type_ignore:
      return "type_ignore";
    case ast::Sum::type_param:
      return "type_param";
    case ast::Sum::comprehension:
      return "comprehension";
    case ast::Sum::arguments:
      return "arguments";
    case ast::Sum::arg:
      return "arg";
    case ast::Sum::keyword:
      return "keyword";
    case ast::Sum::alias:
      return "alias";
    case ast::Sum::withitem:
      return "withitem";
    case ast::Sum::match_case:
      return "match_case";
  }
  return "?";
}

/// CPython's positions do not nest here: a decorated def/class begins at `def`/`class`, after
/// its decorators.
bool NestingException(Kind parent, std::string_view field) {
  return field == "decorator_list" &&
         (parent == Kind::FunctionDef || parent == Kind::AsyncFunctionDef ||
          parent == Kind::ClassDef);
}

/// CPython's list items out of source order: in f'{x=}', JoinedStr.values holds the Constant
/// 'x=' (the text after the '{') and then the FormattedValue, which begins at the '{' itself.
bool OrderException(Kind parent, std::string_view field, const Node* prev, const Node* item) {
  return parent == Kind::JoinedStr && field == "values" && prev->kind == Kind::Constant &&
         item->kind == Kind::FormattedValue;
}

/// Lists whose items may be None in CPython.
bool NullableItems(Kind parent, std::string_view field) {
  return (parent == Kind::Dict && field == "keys") ||
         (parent == Kind::arguments && field == "kw_defaults");
}

class Checker {
 public:
  Checker(std::string path, const ParsedModule& module)
      : path_(std::move(path)), module_(module), text_(module.text()) {}

  void Run() {
    const Node* root = module_.root();
    if (root->kind != Kind::Module) Fail("", "the root is a " + Name(root) + ", not a Module");
    struct Item {
      const Node* node;
      const Node* owner;  // nearest positioned ancestor
      std::string owner_field;
      std::string path;
    };
    std::vector<Item> stack = {{root, nullptr, "", ""}};
    uint64_t count = 0;
    while (!stack.empty()) {
      Item it = std::move(stack.back());
      stack.pop_back();
      ++count;
      const Node* n = it.node;
      if (static_cast<uint32_t>(n->kind) >= static_cast<uint32_t>(Kind::kCount)) {
        Fail(it.path, "kind out of range: " + std::to_string(static_cast<int>(n->kind)));
        continue;
      }
      bool positioned = ast::HasPosition(n->kind);
      if (positioned) CheckRange(it.path, n, it.owner, it.owner_field);
      const Node* owner = positioned ? n : it.owner;
      for (uint32_t i = 0; i < ast::FieldCount(n->kind); ++i) {
        const ast::FieldInfo& f = ast::Field(n->kind, i);
        std::string fpath = it.path.empty() ? f.name : it.path + "." + f.name;
        std::string via = positioned ? f.name : it.owner_field;
        const ast::Slot& slot = n->fields[i];
        switch (f.type) {
          case FieldType::NODE:
          case FieldType::OPT_NODE:
            if (slot.node == nullptr) {
              if (f.type == FieldType::NODE) Fail(fpath, "required child is missing");
              break;
            }
            CheckChildType(fpath, slot.node, f);
            stack.push_back({slot.node, owner, via, fpath});
            break;
          case FieldType::NODE_LIST: {
            if (slot.list == nullptr) {
              Fail(fpath, "list is null");
              break;
            }
            const Node* prev = nullptr;
            for (uint32_t j = 0; j < slot.list->size; ++j) {
              const Node* child = slot.list->items[j].node;
              std::string cpath = fpath + "." + std::to_string(j);
              if (child == nullptr) {
                if (!NullableItems(n->kind, f.name)) Fail(cpath, "None item in this list");
                continue;
              }
              CheckChildType(cpath, child, f);
              if (ast::HasPosition(child->kind)) {
                if (prev != nullptr && child->begin < prev->begin &&
                    !OrderException(n->kind, f.name, prev, child)) {
                  Fail(cpath, Name(child) + " at " + Pos(child->begin) +
                                  " starts before the previous item at " + Pos(prev->begin));
                }
                prev = child;
              }
              stack.push_back({child, owner, via, cpath});
            }
            break;
          }
          case FieldType::IDENT:
            if (slot.str == nullptr || slot.str->size == 0) Fail(fpath, "empty identifier");
            break;
          case FieldType::IDENT_LIST:
            if (slot.list == nullptr) {
              Fail(fpath, "list is null");
              break;
            }
            for (uint32_t j = 0; j < slot.list->size; ++j) {
              const ast::Str* s = slot.list->items[j].str;
              if (s == nullptr || s->size == 0) {
                Fail(fpath + "." + std::to_string(j), "empty identifier");
              }
            }
            break;
          case FieldType::CONST:
            CheckConstant(fpath, slot.constant);
            break;
          case FieldType::ENUM:
            CheckSingleton(fpath, slot.integer, f);
            break;
          case FieldType::ENUM_LIST:
            if (slot.list == nullptr) {
              Fail(fpath, "list is null");
              break;
            }
            for (uint32_t j = 0; j < slot.list->size; ++j) {
              CheckSingleton(fpath + "." + std::to_string(j), slot.list->items[j].integer, f);
            }
            break;
          case FieldType::OPT_STR:
          case FieldType::INT:
            break;
        }
      }
    }
    if (count != module_.node_count()) {
      Fail("", "node_count() is " + std::to_string(module_.node_count()) + " but the tree has " +
                   std::to_string(count) + " nodes");
    }
  }

  int failures() const { return failures_; }

  void Fail(const std::string& where, const std::string& what) {
    if (failures_ < kMaxReported) {
      std::fprintf(stderr, "%s: %s%s%s\n", path_.c_str(), where.empty() ? "" : where.c_str(),
                   where.empty() ? "" : ": ", what.c_str());
    }
    ++failures_;
  }

 private:
  static constexpr int kMaxReported = 20;

  static std::string Name(const Node* n) { return ast::KindName(n->kind); }

  std::string Pos(uint32_t offset) const {
    if (offset > text_.size()) return "offset " + std::to_string(offset) + " (past the end)";
    return std::to_string(module_.lines().Line(offset)) + ":" +
           std::to_string(module_.lines().Column(offset));
  }

  bool OnBoundary(uint32_t offset) const {
    return offset == text_.size() ||
           (offset < text_.size() && (static_cast<uint8_t>(text_[offset]) & 0xC0) != 0x80);
  }

  void CheckRange(const std::string& path, const Node* n, const Node* owner,
                  const std::string& owner_field) {
    std::string what = Name(n) + " " + Pos(n->begin) + "-" + Pos(n->end);
    if (n->begin > n->end) Fail(path, what + ": ends before it starts");
    if (n->end > text_.size()) Fail(path, what + ": ends past the text");
    if (!OnBoundary(n->begin) || !OnBoundary(n->end)) {
      Fail(path, what + ": not on a UTF-8 character boundary");
    }
    if (owner != nullptr && !NestingException(owner->kind, owner_field) &&
        (n->begin < owner->begin || n->end > owner->end)) {
      Fail(path, what + ": outside its parent " + Name(owner) + "." + owner_field + " " +
                     Pos(owner->begin) + "-" + Pos(owner->end));
    }
  }

  void CheckChildType(const std::string& path, const Node* child, const ast::FieldInfo& f) {
    if (static_cast<uint32_t>(child->kind) >= static_cast<uint32_t>(Kind::kCount)) return;
    const char* sum = SumName(ast::KindSum(child->kind));
    if (std::string_view(sum) != f.asdl_type) {
      Fail(path, "a " + Name(child) + " (" + sum + ") where the ASDL wants " + f.asdl_type);
    }
  }

  void CheckSingleton(const std::string& path, int64_t value, const ast::FieldInfo& f) {
    if (value < 0 || value >= static_cast<int64_t>(ast::Singleton::kCount)) {
      Fail(path, "singleton out of range: " + std::to_string(value));
      return;
    }
    if (std::string_view(kSingletonType[value]) != f.asdl_type) {
      Fail(path, std::string(ast::SingletonName(static_cast<ast::Singleton>(value))) + " is a " +
                     kSingletonType[value] + ", the ASDL wants " + f.asdl_type);
    }
  }

  void CheckConstant(const std::string& path, const ast::Constant* c) {
    if (c == nullptr) {
      Fail(path, "constant is missing");
      return;
    }
    switch (c->kind) {
      case ast::ConstKind::kInt: {
        if (c->text == nullptr || c->text->size == 0) {
          Fail(path, "int constant without digits");
          break;
        }
        std::string_view d = c->text->view();
        for (char ch : d) {
          if (ch < '0' || ch > '9') {
            Fail(path, "int constant is not decimal digits: " + std::string(d.substr(0, 40)));
            break;
          }
        }
        if (d.size() > 1 && d[0] == '0') Fail(path, "int constant with a leading zero");
        break;
      }
      case ast::ConstKind::kStr:
      case ast::ConstKind::kBytes:
        if (c->text == nullptr) Fail(path, "str/bytes constant without text");
        break;
      case ast::ConstKind::kNone:
      case ast::ConstKind::kTrue:
      case ast::ConstKind::kFalse:
      case ast::ConstKind::kEllipsis:
      case ast::ConstKind::kFloat:
      case ast::ConstKind::kComplex:
        break;
      default:
        Fail(path, "constant kind out of range");
    }
  }

  std::string path_;
  const ParsedModule& module_;
  std::string_view text_;
  int failures_ = 0;
};

#if A2G_HAVE_TOKENIZER
void CheckTokens(const std::string& path, std::string_view text, Checker* checker) {
  std::vector<lex::Token> tokens;
  lex::TokenError error;
  if (!lex::Tokenize(std::string(text), &tokens, &error)) {
    checker->Fail("tokens", "Tokenize rejects a file Parse accepts: " + error.message + " at " +
                                std::to_string(error.lineno) + ":" + std::to_string(error.offset));
    return;
  }
  (void)path;
  if (tokens.empty() || tokens.back().kind != lex::TokenKind::kEndMarker) {
    checker->Fail("tokens", "the token stream does not end with the end marker");
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    const lex::Token& t = tokens[i];
    std::string where = "token " + std::to_string(i) + " (" + lex::TokenKindName(t.kind) + " " +
                        std::to_string(t.begin) + "-" + std::to_string(t.end) + ")";
    if (t.begin > t.end || t.end > text.size()) checker->Fail(where, "range outside the text");
    if (i > 0) {
      const lex::Token& p = tokens[i - 1];
      if (t.begin < p.begin) checker->Fail(where, "starts before the previous token");
      if (t.begin < p.end) {
        checker->Fail(where, "overlaps the previous token (ends at " + std::to_string(p.end) + ")");
      }
    }
  }
}
#endif

std::string DumpOf(const ParsedModule& m) {
  std::string out;
  ast::Dump(m.root(), m.lines(), -1, &out);
  return out;
}

/// Set by --allow-rejected: a file Parse rejects is counted, not a failure (the conformance test
/// judges rejections; this tool judges trees).
bool g_allow_rejected = false;
int g_rejected = 0;

int CheckFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", path.c_str());
    return 1;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ParsedModule module = Parse(bytes);
  if (!module.ok()) {
    ++g_rejected;
    if (g_allow_rejected) return 0;
    std::fprintf(stderr, "%s: rejected: %s", path.c_str(),
                 FormatParseError(path, module.error()).c_str());
    return 1;
  }
  Checker checker(path, module);
  checker.Run();
#if A2G_HAVE_TOKENIZER
  CheckTokens(path, module.text(), &checker);
#endif
  ParsedModule again = Parse(bytes);
  if (!again.ok() || DumpOf(again) != DumpOf(module)) {
    checker.Fail("", "parsing the same bytes twice gives different trees");
  }
  if (checker.failures() > 0) {
    std::fprintf(stderr, "%s: %d invariant violation(s)\n", path.c_str(), checker.failures());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace ast2graph

int main(int argc, char** argv) {
  int first = 1;
  if (argc > 1 && std::string_view(argv[1]) == "--allow-rejected") {
    ast2graph::g_allow_rejected = true;
    first = 2;
  }
  if (argc <= first) {
    std::fprintf(stderr, "usage: corpus_invariants [--allow-rejected] FILE...\n");
    return 2;
  }
  int failed = 0;
  for (int i = first; i < argc; ++i) failed += ast2graph::CheckFile(argv[i]) != 0;
#if !A2G_HAVE_TOKENIZER
  std::printf("note: token checks skipped: lex::Tokenize is not defined yet\n");
#endif
  int files = argc - first;
  int parsed = files - ast2graph::g_rejected;
  if (ast2graph::g_allow_rejected) {
    std::printf("invariants hold in %d/%d parsed file(s) (%d rejected, not judged here)\n",
                parsed - failed, parsed, ast2graph::g_rejected);
  } else if (failed == 0) {
    std::printf("invariants hold in %d file(s)\n", files);
  }
  return failed == 0 ? 0 : 1;
}
