// Module names of imports: relative imports resolved against the importing module's own dotted
// name, as importlib does (`from ..a import b` in package `p.q` is `p.a`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ast2graph/semantic.h"

namespace ast2graph::semantic {

/// The absolute module `from <level dots><module> import ...` names inside `context`. Returns
/// false (CPython: "attempted relative import beyond top-level package" or "with no known parent
/// package") when the dots go above the top-level package.
bool ResolveImportFrom(const ModuleContext& context, int64_t level, std::string_view module,
                       std::string* out);

/// `a` for `a.b.c`: the name `import a.b.c` binds.
std::string_view FirstComponent(std::string_view dotted);

}  // namespace ast2graph::semantic
