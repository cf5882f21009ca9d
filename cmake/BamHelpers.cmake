# bam_cc_library / bam_cc_test / bam_cc_binary: declarative targets in the style of absl_cc_library.
#
#   bam_cc_library(NAME parsers SRCS a.cc HDRS a.h DEPS bam::common PUBLIC_DEPS ...)
#     -> target bam_<NAME>, alias bam::<NAME>
#   bam_cc_test(NAME parsers_test SRCS parsers_test.cc DEPS bam::parsers)
#     -> gtest executable registered with CTest (label "unit")
#   bam_cc_binary(NAME bam-exporter SRCS main.cc DEPS ...)  -> build/bin/<NAME>

set(BAM_COMMON_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(BAM_WERROR)
  list(APPEND BAM_COMMON_WARNINGS -Werror)
endif()

if(BAM_FUZZ)
  # Instrument every library for coverage; only fuzz targets link the libFuzzer driver.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(BAM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

function(bam_cc_library)
  cmake_parse_arguments(BAM "" "NAME" "SRCS;HDRS;DEPS;PUBLIC_DEPS" ${ARGN})
  set(_target bam_${BAM_NAME})
  add_library(${_target} STATIC ${BAM_SRCS} ${BAM_HDRS})
  add_library(bam::${BAM_NAME} ALIAS ${_target})
  target_include_directories(${_target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${_target} PRIVATE ${BAM_COMMON_WARNINGS})
  target_link_libraries(${_target} PUBLIC ${BAM_PUBLIC_DEPS} PRIVATE ${BAM_DEPS})
endfunction()

function(bam_cc_binary)
  cmake_parse_arguments(BAM "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${BAM_NAME} ${BAM_SRCS})
  target_compile_options(${BAM_NAME} PRIVATE ${BAM_COMMON_WARNINGS})
  target_link_libraries(${BAM_NAME} PRIVATE ${BAM_DEPS})
endfunction()

function(bam_cc_test)
  cmake_parse_arguments(BAM "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(BAM_FUZZ)
    return()   # fuzz builds only build libraries and fuzz targets
  endif()
  add_executable(${BAM_NAME} ${BAM_SRCS})
  set_target_properties(${BAM_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_compile_options(${BAM_NAME} PRIVATE ${BAM_COMMON_WARNINGS})
  target_compile_definitions(${BAM_NAME} PRIVATE
    BAM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    BAM_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
    BAM_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  target_link_libraries(${BAM_NAME} PRIVATE ${BAM_DEPS} GTest::gmock GTest::gtest_main)
  if(NOT BAM_LABELS)
    set(BAM_LABELS unit)
  endif()
  add_test(NAME ${BAM_NAME} COMMAND ${BAM_NAME})
  set_tests_properties(${BAM_NAME} PROPERTIES LABELS "${BAM_LABELS}" TIMEOUT 600)
  if("slow" IN_LIST BAM_LABELS)
    # Timing-bound (rates held for a minute): never beside another test on a 2-core machine.
    set_tests_properties(${BAM_NAME} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

# bam_fuzz_target(NAME fuzz_json SRCS fuzz_json.cc DEPS ...) — only with -DBAM_FUZZ=ON and clang.
function(bam_fuzz_target)
  cmake_parse_arguments(BAM "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT BAM_FUZZ)
    return()
  endif()
  add_executable(${BAM_NAME} ${BAM_SRCS})
  set_target_properties(${BAM_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  target_link_options(${BAM_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${BAM_NAME} PRIVATE ${BAM_DEPS})
endfunction()
