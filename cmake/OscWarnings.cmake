# Warning flags applied to every target of the project (not to third-party
# code, which comes in as system headers).
set(OSC_WARNING_FLAGS -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND OSC_WARNING_FLAGS -Wthread-safety)
endif()
if(OSC_WERROR)
  list(APPEND OSC_WARNING_FLAGS -Werror)
endif()

# osc_module(NAME SOURCES...): a static library for one module, with the
# project warnings and the repository root as include root.
function(osc_add_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${OSC_WARNING_FLAGS})
endfunction()
