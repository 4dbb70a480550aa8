# Every dependency comes from a Debian package (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# MariaDB Connector/C (Debian's default-libmysqlclient-dev). Only db/ links it.
pkg_check_modules(MYSQLCLIENT REQUIRED IMPORTED_TARGET libmariadb)
add_library(osc::mysqlclient ALIAS PkgConfig::MYSQLCLIENT)

find_package(spdlog REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(zstd QUIET)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
find_package(ZLIB REQUIRED)

find_path(CONCURRENTQUEUE_INCLUDE_DIR concurrentqueue/concurrentqueue.h REQUIRED)
add_library(osc_concurrentqueue INTERFACE)
target_include_directories(osc_concurrentqueue SYSTEM INTERFACE ${CONCURRENTQUEUE_INCLUDE_DIR})
add_library(osc::concurrentqueue ALIAS osc_concurrentqueue)

if(OSC_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(OSC_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
