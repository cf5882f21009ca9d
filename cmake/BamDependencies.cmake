# Every dependency comes from a Debian package (see scripts/install-deps.sh).
find_package(prometheus-cpp CONFIG REQUIRED)   # prometheus-cpp::core ::pull
find_package(civetweb CONFIG REQUIRED)         # civetweb::civetweb (exporter/server)
find_package(yaml-cpp CONFIG REQUIRED)
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)   # yaml-cpp 0.7 exports a bare `yaml-cpp` target
endif()
find_package(simdjson CONFIG REQUIRED)         # simdjson::simdjson
find_package(GTest REQUIRED)                   # MODULE mode: GTest::gmock, GTest::gtest_main
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)   # PkgConfig::RE2
find_package(nlohmann_json CONFIG REQUIRED)    # nlohmann_json::nlohmann_json (bam-loggen truth file, tests)
find_package(CURL REQUIRED)                     # CURL::libcurl (bam-loggen --http)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)   # PkgConfig::RDKAFKA (also rdkafka_mock.h)
find_package(SQLite3 REQUIRED)                  # SQLite::SQLite3 (rulesvc/store)
