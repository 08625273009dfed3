# Project-wide compile flags: warnings everywhere, optional sanitizers.
add_compile_options(-Wall -Wextra)
if(AST2GRAPH_WERROR)
  add_compile_options(-Werror)
endif()
if(AST2GRAPH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
