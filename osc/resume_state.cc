// Why a line format with hex fields rather than JSON: key literals hold
// arbitrary bytes (quotes, commas, newlines in a VARCHAR key), and the
// project has no JSON library. Hex makes every field one token, and the
// decoder can be strict about every line.

#include "osc/resume_state.h"

#include <cinttypes>
#include <cstdio>
#include <regex>
#include <sstream>
#include <vector>

#include "common/numbers.h"

namespace osc::migration {
namespace {

constexpr std::string_view kMagic = "osc-checkpoint 1";

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>((hi << 4) | lo));
  }
  return true;
}

// "-" stands for a key value with no literals (never produced; rejected).
std::string EncodeValue(const copy::KeyValue& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (i > 0) out += ',';
    out += ToHex(value[i]);
  }
  return out;
}

bool DecodeValue(std::string_view text, copy::KeyValue* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    std::string literal;
    if (!FromHex(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start),
                 &literal) ||
        literal.empty()) {
      return false;
    }
    out->push_back(std::move(literal));
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

std::string EncodeBound(const copy::Bound& b) {
  return std::string(b.inclusive ? "1 " : "0 ") + EncodeValue(b.value);
}

// Splits on single spaces, keeping empty fields ("phase " has an empty
// hex value, which is a valid empty phase).
std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    const size_t sp = line.find(' ', i);
    if (sp == std::string_view::npos) {
      out.push_back(line.substr(i));
      return out;
    }
    out.push_back(line.substr(i, sp - i));
    i = sp + 1;
  }
}

bool ParseU64(std::string_view s, uint64_t* out) {
  const std::optional<uint64_t> v = ParseNumber<uint64_t>(s);
  if (!v) return false;
  *out = *v;
  return true;
}

bool ParseBound(std::string_view flag, std::string_view value, copy::Bound* out) {
  if (flag != "0" && flag != "1") return false;
  out->inclusive = flag == "1";
  return DecodeValue(value, &out->value);
}

std::string EncodeWith(const ResumeState& s, bool with_done) {
  std::ostringstream o;
  o << kMagic << "\n";
  o << "fingerprint " << s.fingerprint << "\n";
  o << "phase " << ToHex(s.phase) << "\n";
  o << "binlog " << ToHex(s.applied.file) << " " << s.applied.offset << "\n";
  o << "rows " << s.rows_copied << "\n";
  if (s.copy.range) o << "range " << EncodeValue(s.copy.range->min) << " " << EncodeValue(s.copy.range->max) << "\n";
  if (s.copy.low_watermark) o << "watermark " << EncodeBound(*s.copy.low_watermark) << "\n";
  if (with_done) {
    for (const copy::KeyRange& r : s.copy.done_above) {
      // The tracker's done ranges always have both ends.
      if (!r.lower || !r.upper) continue;
      o << "done " << EncodeBound(*r.lower) << " " << EncodeBound(*r.upper) << "\n";
    }
  }
  o << "complete " << (s.copy.complete ? 1 : 0) << "\n";
  return o.str();
}

Status Bad(std::string_view line) {
  return Status::Corruption("checkpoint: malformed line '" + std::string(line.substr(0, 120)) + "'");
}

// Applies one "name fields..." line to `s`. `seen_binlog` records the one
// mandatory field.
Status DecodeLine(std::string_view line, ResumeState* s, bool* seen_binlog) {
  const std::vector<std::string_view> f = Split(line);
  if (f.empty()) return Bad(line);
  const std::string_view name = f[0];
  if (name == "fingerprint" && f.size() == 2) {
    s->fingerprint = std::string(f[1]);
  } else if (name == "phase" && f.size() == 2) {
    if (!FromHex(f[1], &s->phase)) return Bad(line);
  } else if (name == "binlog" && f.size() == 3) {
    if (!FromHex(f[1], &s->applied.file) || s->applied.file.empty() || !ParseU64(f[2], &s->applied.offset)) {
      return Bad(line);
    }
    *seen_binlog = true;
  } else if (name == "rows" && f.size() == 2) {
    if (!ParseU64(f[1], &s->rows_copied)) return Bad(line);
  } else if (name == "range" && f.size() == 3) {
    copy::CopyRange r;
    if (!DecodeValue(f[1], &r.min) || !DecodeValue(f[2], &r.max)) return Bad(line);
    s->copy.range = std::move(r);
  } else if (name == "watermark" && f.size() == 3) {
    copy::Bound b;
    if (!ParseBound(f[1], f[2], &b)) return Bad(line);
    s->copy.low_watermark = std::move(b);
  } else if (name == "done" && f.size() == 5) {
    copy::Bound lo, hi;
    if (!ParseBound(f[1], f[2], &lo) || !ParseBound(f[3], f[4], &hi)) return Bad(line);
    s->copy.done_above.push_back(copy::KeyRange{std::move(lo), std::move(hi)});
  } else if (name == "complete" && f.size() == 2 && (f[1] == "0" || f[1] == "1")) {
    s->copy.complete = f[1] == "1";
  } else {
    return Bad(line);
  }
  return Status::Ok();
}

// FNV-1a, 64 bit: stable across builds and platforms (std::hash is not
// promised to be), and collisions only matter between two ALTERs of the
// same table, which the comparison of the ALTER text below also catches.
uint64_t Fnv1a(std::string_view data, uint64_t h = 0xcbf29ce484222325ull) {
  for (char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

std::string EncodeResumeState(const ResumeState& state) {
  std::string text = EncodeWith(state, true);
  if (text.size() > kMaxEncodedResumeState) text = EncodeWith(state, false);
  return text;
}

Result<ResumeState> DecodeResumeState(std::string_view text) {
  ResumeState s;
  bool seen_binlog = false;
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (first) {
      if (line != kMagic) return Status::Corruption("checkpoint: not an osc checkpoint (or a newer format)");
      first = false;
      continue;
    }
    if (line.empty()) continue;
    OSC_RETURN_IF_ERROR(DecodeLine(line, &s, &seen_binlog));
  }
  if (first) return Status::Corruption("checkpoint: empty");
  if (!seen_binlog) return Status::Corruption("checkpoint: no binlog position");
  if (s.fingerprint.size() != 16) return Status::Corruption("checkpoint: no fingerprint");
  return s;
}

std::string MigrationFingerprint(std::string_view alter, std::string_view create_table) {
  static const std::regex kAutoIncrement(R"( AUTO_INCREMENT=[0-9]+)");
  const std::string definition = std::regex_replace(std::string(create_table), kAutoIncrement, "");
  uint64_t h = Fnv1a(kMagic);
  h = Fnv1a(std::to_string(alter.size()) + ":", h);
  h = Fnv1a(alter, h);
  h = Fnv1a(definition, h);
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, h);
  return buf;
}

Status ValidateResumeKeys(const copy::KeySpec& key, const ResumeState& state) {
  const copy::Checkpoint& c = state.copy;
  if (c.range) {
    OSC_RETURN_IF_ERROR(copy::ValidateKeyValue(key, c.range->min));
    OSC_RETURN_IF_ERROR(copy::ValidateKeyValue(key, c.range->max));
  }
  if (c.low_watermark) OSC_RETURN_IF_ERROR(copy::ValidateKeyValue(key, c.low_watermark->value));
  for (const copy::KeyRange& r : c.done_above) OSC_RETURN_IF_ERROR(copy::ValidateRange(key, r));
  return Status::Ok();
}

}  // namespace osc::migration
