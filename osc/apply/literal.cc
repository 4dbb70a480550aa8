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
size_t FixedBinaryWidth(const schema::Column& column) {
  if (column.data_type == "inet6") return 16;
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

Result<std::string> BinaryOrStringLiteral(std::string_view bytes, const schema::Column& column) {
  const size_t width = FixedBinaryWidth(column);
  if (width > bytes.size()) {
    std::string padded(bytes);
    padded.resize(width, '\0');
    return StringLiteral(padded, column);
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
Result<std::string> FloatLiteral(const Value& value) {
  OSC_ASSIGN_OR_RETURN(std::string text, binlog::FormatFloat(value));
  if (text.find_first_of("ni") != std::string::npos) {  // nan, inf
    return Status::InvalidArgument("floating-point value " + text + " has no SQL literal");
  }
  if (text.find('e') == std::string::npos) text += "e0";
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
      if (column.data_type == "uuid") {
        return Status::NotSupported("column " + column.name + ": MariaDB UUID values from the binlog are not supported");
      }
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
