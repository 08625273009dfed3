// Assignment, augmented-assignment, del and for targets: validation, ctx, and CPython's
// "cannot assign to ..." messages.
#include "parse/parser.h"

namespace ast2graph::parse {

using ast::Singleton;

const char* Parser::Describe(const Node* e) {
  switch (e->kind) {
    case Kind::Attribute: return "attribute";
    case Kind::Subscript: return "subscript";
    case Kind::Starred: return "starred";
    case Kind::Name: return "name";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Lambda: return "lambda";
    case Kind::Call: return "function call";
    case Kind::BoolOp:
    case Kind::BinOp:
    case Kind::UnaryOp: return "expression";
    case Kind::GeneratorExp: return "generator expression";
    case Kind::Yield:
    case Kind::YieldFrom: return "yield expression";
    case Kind::Await: return "await expression";
    case Kind::ListComp: return "list comprehension";
    case Kind::SetComp: return "set comprehension";
    case Kind::DictComp: return "dict comprehension";
    case Kind::Dict: return "dict literal";
    case Kind::Set: return "set display";
    case Kind::JoinedStr:
    case Kind::FormattedValue: return "f-string expression";
    case Kind::Constant:
      switch (e->fields[ast::ConstantFields::value].constant->kind) {
        case ast::ConstKind::kNone: return "None";
        case ast::ConstKind::kTrue: return "True";
        case ast::ConstKind::kFalse: return "False";
        case ast::ConstKind::kEllipsis: return "ellipsis";
        default: return "literal";
      }
    case Kind::Compare: return "comparison";
    case Kind::IfExp: return "conditional expression";
    case Kind::NamedExpr: return "named expression";
    default: return "expression";
  }
}

const Node* Parser::FindInvalidTarget(const Node* e, Singleton ctx) {
  // Iterative over nested tuples/lists/starred (their depth is bounded by brackets anyway).
  switch (e->kind) {
    case Kind::Name:
    case Kind::Attribute:
    case Kind::Subscript:
      return nullptr;
    case Kind::Starred:
      if (ctx == Singleton::Del) return e;
      return FindInvalidTarget(e->fields[ast::StarredFields::value].node, ctx);
    case Kind::Tuple:
    case Kind::List: {
      const ast::List* elts = e->fields[ast::TupleFields::elts].list;
      for (const ast::Slot& s : *elts) {
        if (const Node* bad = FindInvalidTarget(s.node, ctx)) return bad;
      }
      return nullptr;
    }
    default:
      return e;
  }
}

static void SetCtx(Node* e, Singleton ctx) {
  switch (e->kind) {
    case Kind::Name:
      e->fields[ast::NameFields::ctx].integer = static_cast<int64_t>(ctx);
      break;
    case Kind::Attribute:
      e->fields[ast::AttributeFields::ctx].integer = static_cast<int64_t>(ctx);
      break;
    case Kind::Subscript:
      e->fields[ast::SubscriptFields::ctx].integer = static_cast<int64_t>(ctx);
      break;
    case Kind::Starred:
      e->fields[ast::StarredFields::ctx].integer = static_cast<int64_t>(ctx);
      SetCtx(e->fields[ast::StarredFields::value].node, ctx);
      break;
    case Kind::Tuple:
    case Kind::List: {
      e->fields[ast::TupleFields::ctx].integer = static_cast<int64_t>(ctx);
      ast::List* elts = e->fields[ast::TupleFields::elts].list;
      for (uint32_t i = 0; i < elts->size; ++i) SetCtx(elts->items[i].node, ctx);
      break;
    }
    default:
      break;
  }
}

Node* Parser::SetTarget(Node* e, Singleton ctx, const char* what) {
  if (const Node* bad = FindInvalidTarget(e, ctx)) {
    if (ctx == Singleton::Del) {
      return FailNode(bad, std::string("cannot delete ") + Describe(bad));
    }
    (void)what;
    return FailNode(bad, std::string("cannot assign to ") + Describe(bad));
  }
  SetCtx(e, ctx);
  return e;
}

Node* Parser::FailAssignTarget(Node* target, const Node* bad, bool first_target) {
  // CPython's invalid_named_expression: `a = b` where `a` is a single non-display expression
  // and `b` a bitwise_or not followed by '=' or ':=' -> "... here. Maybe you meant '=='...".
  bool display = target->kind == Kind::Tuple || target->kind == Kind::List ||
                 target->kind == Kind::GeneratorExp;
  if (target->kind == Kind::Constant) {
    ast::ConstKind ck = target->fields[ast::ConstantFields::value].constant->kind;
    if (ck == ast::ConstKind::kTrue || ck == ast::ConstKind::kFalse || ck == ast::ConstKind::kNone) {
      display = true;
    }
  }
  bool parenthesized = text_[target->begin] == '(';
  bool bitwise_level = parenthesized;
  if (!parenthesized) {
    switch (target->kind) {
      case Kind::Compare:
      case Kind::BoolOp:
      case Kind::IfExp:
      case Kind::Lambda:
      case Kind::NamedExpr:
      case Kind::Starred:
      case Kind::Yield:
      case Kind::YieldFrom:
        bitwise_level = false;
        break;
      case Kind::UnaryOp:
        bitwise_level = target->fields[ast::UnaryOpFields::op].integer !=
                        static_cast<int64_t>(Singleton::Not);
        break;
      default:
        bitwise_level = true;
    }
  }
  if (first_target && bad == target && !display && bitwise_level && K() == TokenKind::kEqual) {
    // Look at the right-hand side without keeping anything.
    size_t save = pos_;
    uint64_t save_count = node_count_;
    Advance();
    Node* rhs = ParseBitOr(1);
    bool here = rhs != nullptr && K() != TokenKind::kEqual && K() != TokenKind::kColonEqual;
    pos_ = save;
    node_count_ = save_count;
    failed_ = false;
    error_ = ParseError{};
    if (here) {
      return FailNode(target, std::string("cannot assign to ") + Describe(target) +
                                  " here. Maybe you meant '==' instead of '='?");
    }
  }
  return FailNode(bad, std::string("cannot assign to ") + Describe(bad));
}

}  // namespace ast2graph::parse
