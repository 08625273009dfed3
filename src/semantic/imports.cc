#include "semantic/imports.h"

namespace ast2graph::semantic {

bool ResolveImportFrom(const ModuleContext& context, int64_t level, std::string_view module,
                       std::string* out) {
  if (level <= 0) {
    out->assign(module);
    return !out->empty();
  }
  // The package the importing module lives in: itself for a package's __init__.py.
  std::string_view base = context.module_name;
  if (!context.is_package) {
    size_t dot = base.rfind('.');
    base = dot == std::string_view::npos ? std::string_view() : base.substr(0, dot);
  }
  if (base.empty()) return false;
  for (int64_t i = 1; i < level; ++i) {
    size_t dot = base.rfind('.');
    if (dot == std::string_view::npos) return false;
    base = base.substr(0, dot);
  }
  out->assign(base);
  if (!module.empty()) {
    out->push_back('.');
    out->append(module);
  }
  return true;
}

std::string_view FirstComponent(std::string_view dotted) {
  size_t dot = dotted.find('.');
  return dot == std::string_view::npos ? dotted : dotted.substr(0, dot);
}

}  // namespace ast2graph::semantic
