#include "osc/apply/literal.h"

#include <string_view>

#include "db/quoting.h"

namespace osc::apply {
namespace {

using binlog::Value;
using binlog::ValueKind;

// Text bytes in the original column's character set. A column with no
// character set (BINARY, VARBINARY, BLOB, INET6) or the binary one gets
// _binary, so no conversion can touch the bytes.
Result<std::string> StringLiteral(std::string_view bytes, const schema::Column& column);

// Fixed-width binary columns are logged with their trailing zero bytes cut
// off (the server packs them like CHAR, whose pad byte for the binary
// charset is 0x00; verified on MariaDB 10.11: INET6 '::' is logged as 0
// bytes, BINARY(4) X'00' as 0 bytes). INET6 refuses a short value, and a
// BINARY(n) -> VARBINARY ALTER must keep the zeros, so they are put back.
//
// INET4 is packed the same way (found by the every-type end-to-end test:
// '10.0.0.0' arrived as the single byte 0A and INET4 refused it).
size_t FixedBinaryWidth(const schema::Column& column) {
  if (column.data_type == "inet6" || column.data_type == "uuid") return 16;
  if (column.data_type == "inet4") return 4;
  if (column.data_type != "binary") return 0;
  const size_t open = column.column_type.find('(');
  if (open == std::string::npos) return 1;  // BINARY means BINARY(1)
  size_t width = 0;
  for (size_t i = open + 1; i < column.column_type.size() && column.column_type[i] >= '0' &&
                            column.column_type[i] <= '9';
       ++i) {
    width = width * 10 + static_cast<size_t>(column.column_type[i] - '0');
  }
  return width;
}

// MariaDB's fixed-binary data types (plugin/type_inet, plugin/type_uuid).
// The binlog carries their in-memory form, which is also the form CAST of
// a binary string of the exact length reads (for UUID the text order: a
// v1-v5 UUID is byte-swapped only in the stored record; trailing zero
// bytes cut by the packing are the same in both orders). A bare _binary
// literal means the value only while the target column has the same type:
// after e.g. MODIFY ip INET6 -> VARCHAR the shadow would get the 16 raw
// bytes where a direct ALTER stores '::1'. CAST makes the literal a value
// of the ORIGINAL type, which the server converts like the ALTER does.
// Verified on MariaDB 10.11 (tests/integration/migration_types_e2e_test.cc).
const char* FixedBinaryTypeName(const schema::Column& column) {
  if (column.data_type == "inet6") return "INET6";
  if (column.data_type == "inet4") return "INET4";
  if (column.data_type == "uuid") return "UUID";
  return nullptr;
}

Result<std::string> BinaryOrStringLiteral(std::string_view bytes, const schema::Column& column) {
  const size_t width = FixedBinaryWidth(column);
  std::string padded;  // only fixed-width values are copied
  if (width > bytes.size()) {
    padded.assign(bytes);
    padded.resize(width, '\0');
    bytes = padded;
  }
  if (const char* type = FixedBinaryTypeName(column)) {
    return "CAST(" + db::QuoteBinaryLiteral(bytes) + " AS " + type + ")";
  }
  return StringLiteral(bytes, column);
}

Result<std::string> StringLiteral(std::string_view bytes, const schema::Column& column) {
  if (column.charset.empty() || column.charset == "binary") return db::QuoteBinaryLiteral(bytes);
  return db::QuoteHexLiteral(bytes, column.charset);
}

// FLOAT/DOUBLE. The shortest round-trip text parses back to the same IEEE
// value; the exponent makes the server read it as an approximate (double)
// literal: without it "0.1" is an exact DECIMAL, whose conversion is still
// exact but whose sign is lost for -0.
//
// A FLOAT value is wrapped in CAST(... AS FLOAT): the bare double 0.1e0 is
// not the float 0.1f (0.100000001490116...), so after MODIFY f DOUBLE the
// shadow got 0.1 where a direct ALTER stores the widened float, and a
// FLOAT key compared with 0.1e0 matched nothing (found by the every-type
// end-to-end test). The CAST rounds the double to the same float, which
// then widens exactly like the stored column does. (Also the bare double
// of FLT_MAX, 3.4028235e+38, is out of range for a FLOAT column in strict
// mode.) CAST AS FLOAT needs MariaDB 10.4.5+ or MySQL 8.0.17+.
Result<std::string> FloatLiteral(const Value& value) {
  OSC_ASSIGN_OR_RETURN(std::string text, binlog::FormatFloat(value));
  if (text.find_first_of("ni") != std::string::npos) {  // nan, inf
    return Status::InvalidArgument("floating-point value " + text + " has no SQL literal");
  }
  if (text.find('e') == std::string::npos) text += "e0";
  if (value.kind == ValueKind::kFloat) return "CAST(" + text + " AS FLOAT)";
  return text;
}

// ENUM: 1-based index into the definition's members. Index 0 is the ''
// error value a non-strict server stores for an invalid member: the number
// 0 reproduces it (the string '' would be rejected or mapped differently).
Result<std::string> EnumLiteral(const Value& value, const schema::Column& column) {
  if (value.bits == 0) return std::string("0");
  if (value.bits > column.members.size()) {
    return Status::Corruption("ENUM index " + std::to_string(value.bits) + " of column " + column.name +
                              " is beyond its " + std::to_string(column.members.size()) +
                              " members: the table definition changed");
  }
  return db::QuoteHexLiteral(column.members[value.bits - 1], "utf8mb4");
}

Result<std::string> SetLiteral(const Value& value, const schema::Column& column) {
  std::string text;
  for (size_t bit = 0; bit < 64; ++bit) {
    if (((value.bits >> bit) & 1) == 0) continue;
    if (bit >= column.members.size()) {
      return Status::Corruption("SET bit " + std::to_string(bit) + " of column " + column.name +
                                " is beyond its " + std::to_string(column.members.size()) +
                                " members: the table definition changed");
    }
    if (!text.empty()) text += ',';
    text += column.members[bit];
  }
  return db::QuoteHexLiteral(text, "utf8mb4");
}

Result<std::string> TemporalLiteral(const Value& value) {
  OSC_ASSIGN_OR_RETURN(std::string text, binlog::FormatTemporal(value));
  return "'" + text + "'";
}

Result<std::string> CompressedLiteral(const Value& value, const schema::Column& column) {
  OSC_ASSIGN_OR_RETURN(std::string bytes, binlog::DecompressMariaDbColumn(value.raw));
  return StringLiteral(bytes, column);
}

}  // namespace

Result<std::string> ToSqlLiteral(const Value& value, const schema::Column& column) {
  switch (value.kind) {
    case ValueKind::kNull:
    case ValueKind::kNullType:
      return std::string("NULL");
    case ValueKind::kInt:
      return binlog::FormatInt(value, column.is_unsigned);
    case ValueKind::kFloat:
    case ValueKind::kDouble:
      return FloatLiteral(value);
    case ValueKind::kDecimal:
      return binlog::FormatDecimal(value);
    case ValueKind::kYear:
      return std::to_string(value.bits);
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
      return TemporalLiteral(value);
    case ValueKind::kString:
      return BinaryOrStringLiteral(value.raw, column);
    case ValueKind::kEnum:
      return EnumLiteral(value, column);
    case ValueKind::kSet:
      return SetLiteral(value, column);
    case ValueKind::kBit:
      return std::to_string(value.bits);
    case ValueKind::kJson: {
      OSC_ASSIGN_OR_RETURN(std::string text, binlog::FormatJson(value));
      return db::QuoteHexLiteral(text, "utf8mb4");
    }
    case ValueKind::kGeometry:
    case ValueKind::kVector:
      return db::QuoteBinaryLiteral(value.raw);
    case ValueKind::kCompressed:
      return CompressedLiteral(value, column);
    case ValueKind::kJsonDiff:
      return Status::NotSupported("column " + column.name +
                                  ": partial JSON updates; set binlog_row_value_options='' on the server");
    case ValueKind::kAbsent:
      return Status::FailedPrecondition("column " + column.name +
                                        " is missing from the row image: osc needs binlog_row_image=FULL");
  }
  return Status::Internal("unknown value kind " + std::string(binlog::ValueKindName(value.kind)));
}

}  // namespace osc::apply
