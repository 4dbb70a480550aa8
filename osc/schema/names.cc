#include "osc/schema/names.h"

#include "db/quoting.h"
#include "osc/cutover/changelog.h"

namespace osc::schema {
namespace {

// Code points in valid UTF-8 (ValidateIdentifier ran first): every byte
// that does not continue a sequence starts a character.
size_t CountChars(std::string_view utf8) {
  size_t chars = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  }
  return chars;
}

}  // namespace

bool IsUnconfirmedSwap(const HelperPresence& p) {
  if (!p.old || !p.changelog || p.shadow) return false;
  return !(p.changelog_state && p.changelog_state->starts_with(cutover::kSwapConfirmedState));
}

Result<HelperTableNames> HelperNamesFor(std::string_view table) {
  OSC_RETURN_IF_ERROR(db::ValidateIdentifier(table).WithContext("table name"));
  const size_t chars = CountChars(table);
  if (chars > kMaxMigratableTableNameChars) {
    return Status::InvalidArgument(
        "table name " + db::QuoteIdentifier(table) + " is " + std::to_string(chars) +
        " characters long; osc's helper tables (_<table>_osc_new, _osc_log, _osc_old) add " +
        std::to_string(kHelperNameOverhead) + " characters and table names are limited to 64, so the table name " +
        "may have at most " + std::to_string(kMaxMigratableTableNameChars) + " characters");
  }
  const std::string base = "_" + std::string(table);
  return HelperTableNames{base + "_osc_new", base + "_osc_log", base + "_osc_old"};
}

}  // namespace osc::schema
