# SCHEMAFLIP_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer;
# SCHEMAFLIP_FUZZ=ON (clang only, needs SCHEMAFLIP_SANITIZE) adds libFuzzer's coverage instrumentation to
# every object and builds the fuzz/ targets. One such build serves both the sanitizer test run and the
# fuzzers (scripts/test.sh, scripts/fuzz.sh): the tests run fine with the coverage counters compiled in.
if(SCHEMAFLIP_FUZZ AND NOT SCHEMAFLIP_SANITIZE)
  message(FATAL_ERROR "SCHEMAFLIP_FUZZ=ON needs SCHEMAFLIP_SANITIZE=ON (the fuzzers exist to find what ASan/UBSan report)")
endif()
if(SCHEMAFLIP_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SCHEMAFLIP_FUZZ=ON needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
endif()

if(SCHEMAFLIP_SANITIZE)
  # -fno-sanitize-recover: a UBSan finding stops the program, so a test or a fuzzer fails on it instead
  # of printing a line nobody reads.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(SCHEMAFLIP_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
