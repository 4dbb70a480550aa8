#include "cli/argv_scrub.h"

#include <string_view>

namespace osc::cli {
namespace {

constexpr std::string_view kFlag = "--password";

void Overwrite(char* s) {
  for (; *s != '\0'; ++s) *s = 'x';
}

}  // namespace

int ScrubPasswordArguments(int argc, char** argv) {
  int scrubbed = 0;
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg == nullptr) break;
    const std::string_view token(arg);
    if (token == "--") break;
    if (token == kFlag) {
      // The parser takes the next argument as the value whatever it looks
      // like (a password may start with '-'), so hide it whatever it is.
      if (i + 1 < argc && argv[i + 1] != nullptr) {
        Overwrite(argv[i + 1]);
        ++scrubbed;
        ++i;
      }
    } else if (token.size() > kFlag.size() && token.starts_with(kFlag) && token[kFlag.size()] == '=') {
      Overwrite(arg + kFlag.size() + 1);
      ++scrubbed;
    }
  }
  return scrubbed;
}

}  // namespace osc::cli
