#include "ast/dump.h"

#include <vector>

#include "ast/repr.h"

namespace ast2graph::ast {

// Mirrors Lib/ast.py `dump` of CPython 3.13 with annotate_fields=True, include_attributes=True,
// show_empty=False:
//  - a field is left out when its value is None or an empty list, except the `value` of Constant
//    and MatchSingleton (`Constant(value=None)` is printed);
//  - positions follow the fields for node kinds that have them;
//  - a node is printed on one line when it has at most 3 arguments and each of them is "simple"
//    (a scalar, or a node printed without arguments such as `Load()` or `arguments()`);
//    otherwise, and always for a non-empty list, each argument/item starts a new line indented
//    by `indent` per level (with indent=None the two layouts are the same).
// The walk uses an explicit stack: trees that are very deep (long operator chains the parser
// accepts) must not overflow the native stack.
namespace {

bool IsListType(FieldType t) {
  return t == FieldType::NODE_LIST || t == FieldType::IDENT_LIST || t == FieldType::ENUM_LIST;
}

bool IsOmitted(const Node* node, uint32_t i) {
  const FieldInfo& f = Field(node->kind, i);
  const Slot& s = node->fields[i];
  switch (f.type) {
    case FieldType::NODE:
    case FieldType::OPT_NODE:
      return s.node == nullptr;
    case FieldType::IDENT:
    case FieldType::OPT_STR:
      return s.str == nullptr;
    case FieldType::NODE_LIST:
    case FieldType::IDENT_LIST:
    case FieldType::ENUM_LIST:
      return s.list == nullptr || s.list->size == 0;
    case FieldType::CONST:
    case FieldType::INT:
    case FieldType::ENUM:
      return false;
  }
  return false;
}

constexpr uint32_t kPositionCount = 4;

// Number of arguments a node prints (fields not left out, then positions).
uint32_t ArgCount(const Node* node) {
  uint32_t n = HasPosition(node->kind) ? kPositionCount : 0;
  for (uint32_t i = 0, c = FieldCount(node->kind); i < c; ++i) {
    if (!IsOmitted(node, i)) ++n;
  }
  return n;
}

// Whether the printed value of (non-omitted) field i is "simple" in ast.dump's sense.
bool IsSimpleField(const Node* node, uint32_t i) {
  const FieldInfo& f = Field(node->kind, i);
  if (IsListType(f.type)) return false;  // non-empty lists never are
  if (f.type == FieldType::NODE || f.type == FieldType::OPT_NODE) {
    return ArgCount(node->fields[i].node) == 0;
  }
  return true;  // scalars, and ENUM singletons printed as `Load()`
}

struct Frame {
  const Node* node;   // a node frame, or null for a list frame
  const List* list;   // the list of a list frame
  FieldType item_type;
  int level;          // ast.dump's `level` inside this value
  uint32_t next;      // next field (node) or item (list)
  uint32_t printed;   // arguments or items written so far
  bool multiline;
};

class Dumper {
 public:
  Dumper(const LineTable& lines, int indent, std::string* out)
      : lines_(lines), indent_(indent), out_(out) {}

  void Run(const Node* root) {
    OpenNode(root, 0);
    while (!stack_.empty()) {
      size_t top = stack_.size() - 1;
      if (stack_[top].node != nullptr) {
        StepNode(top);
      } else {
        StepList(top);
      }
    }
  }

 private:
  // Writes what comes before an argument or item of frame f.
  void Separator(Frame& f, bool multiline) {
    if (f.printed++ == 0) {
      if (multiline) NewLine(f.level);
    } else if (multiline) {
      out_->push_back(',');
      NewLine(f.level);
    } else {
      out_->append(", ");
    }
  }

  void NewLine(int level) {
    out_->push_back('\n');
    out_->append(static_cast<size_t>(indent_) * static_cast<size_t>(level), ' ');
  }

  // Starts printing `node` as a value at ast.dump level `parent_level`.
  void OpenNode(const Node* node, int parent_level) {
    if (node == nullptr) {
      out_->append("None");
      return;
    }
    out_->append(KindName(node->kind));
    out_->push_back('(');
    uint32_t args = ArgCount(node);
    if (args == 0) {
      out_->push_back(')');
      return;
    }
    bool all_simple = true;
    for (uint32_t i = 0, c = FieldCount(node->kind); i < c && all_simple; ++i) {
      if (!IsOmitted(node, i) && !IsSimpleField(node, i)) all_simple = false;
    }
    Frame f{};
    f.node = node;
    f.level = indent_ >= 0 ? parent_level + 1 : 0;
    f.multiline = indent_ >= 0 && !(all_simple && args <= 3);
    stack_.push_back(f);
  }

  void OpenList(const List* list, FieldType type, int parent_level) {
    out_->push_back('[');
    Frame f{};
    f.node = nullptr;
    f.list = list;
    f.item_type = type;
    f.level = indent_ >= 0 ? parent_level + 1 : 0;
    f.multiline = indent_ >= 0;
    stack_.push_back(f);
  }

  // Writes the next argument of the node frame at `top`, or closes it.
  void StepNode(size_t top) {
    Frame& f = stack_[top];
    const Node* node = f.node;
    uint32_t count = FieldCount(node->kind);
    while (f.next < count) {
      uint32_t i = f.next++;
      if (IsOmitted(node, i)) continue;
      const FieldInfo& info = Field(node->kind, i);
      const Slot& s = node->fields[i];
      Separator(f, f.multiline);
      out_->append(info.name);
      out_->push_back('=');
      int level = f.level;
      switch (info.type) {
        case FieldType::NODE:
        case FieldType::OPT_NODE:
          OpenNode(s.node, level);  // may grow the stack: `f` is not used after this
          return;
        case FieldType::NODE_LIST:
        case FieldType::IDENT_LIST:
        case FieldType::ENUM_LIST:
          OpenList(s.list, info.type, level);
          return;
        case FieldType::IDENT:
        case FieldType::OPT_STR:
          ReprStr(s.str->view(), out_);
          break;
        case FieldType::CONST:
          if (s.constant == nullptr) {
            out_->append("None");
          } else {
            ReprConstant(*s.constant, out_);
          }
          break;
        case FieldType::INT:
          out_->append(std::to_string(s.integer));
          break;
        case FieldType::ENUM:
          out_->append(SingletonName(static_cast<Singleton>(s.integer)));
          out_->append("()");
          break;
      }
    }
    if (HasPosition(node->kind)) {
      const char* names[kPositionCount] = {"lineno", "col_offset", "end_lineno",
                                           "end_col_offset"};
      uint32_t values[kPositionCount] = {lines_.Line(node->begin), lines_.Column(node->begin),
                                         lines_.Line(node->end), lines_.Column(node->end)};
      for (uint32_t k = 0; k < kPositionCount; ++k) {
        Separator(f, f.multiline);
        out_->append(names[k]);
        out_->push_back('=');
        out_->append(std::to_string(values[k]));
      }
    }
    out_->push_back(')');
    stack_.pop_back();
  }

  // Writes the next item of the list frame at `top`, or closes it.
  void StepList(size_t top) {
    Frame& f = stack_[top];
    if (f.next >= f.list->size) {
      out_->push_back(']');
      stack_.pop_back();
      return;
    }
    const Slot& s = f.list->items[f.next++];
    Separator(f, f.multiline);
    switch (f.item_type) {
      case FieldType::IDENT_LIST:
        if (s.str == nullptr) {
          out_->append("None");
        } else {
          ReprStr(s.str->view(), out_);
        }
        break;
      case FieldType::ENUM_LIST:
        out_->append(SingletonName(static_cast<Singleton>(s.integer)));
        out_->append("()");
        break;
      default:
        OpenNode(s.node, f.level);  // may grow the stack
        break;
    }
  }

  const LineTable& lines_;
  int indent_;
  std::string* out_;
  std::vector<Frame> stack_;
};

}  // namespace

void Dump(const Node* node, const LineTable& lines, int indent, std::string* out) {
  Dumper(lines, indent, out).Run(node);
}

}  // namespace ast2graph::ast
