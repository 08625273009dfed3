include(GoogleTest)

# a2g_add_unit_test(NAME SOURCES a_test.cc ... LIBS lib ... [LABELS extra])
# One GoogleTest binary; every test case is registered with ctest under the label `unit`.
function(a2g_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    A2G_SOURCE_DIR="${PROJECT_SOURCE_DIR}" A2G_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "unit;${ARG_LABELS}")
endfunction()
