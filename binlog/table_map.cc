#include "binlog/table_map.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace osc::binlog {
namespace {

constexpr size_t kMaxNameLength = 64 * 4;  // NAME_LEN (64 chars) in utf8mb4 bytes

std::string TlvName(uint8_t type) {
  static constexpr const char* kNames[] = {
      "?", "SIGNEDNESS", "DEFAULT_CHARSET", "COLUMN_CHARSET", "COLUMN_NAME", "SET_STR_VALUE",
      "ENUM_STR_VALUE", "GEOMETRY_TYPE", "SIMPLE_PRIMARY_KEY", "PRIMARY_KEY_WITH_PREFIX",
      "ENUM_AND_SET_DEFAULT_CHARSET", "ENUM_AND_SET_COLUMN_CHARSET", "COLUMN_VISIBILITY",
      "VECTOR_DIMENSIONALITY"};
  if (type < std::size(kNames)) return kNames[type];
  return "TLV_" + std::to_string(type);
}

// All packed integers of a TLV value; false if one runs past its end.
bool ReadPackedList(Bytes value, std::vector<uint64_t>* out) {
  ByteReader r(value);
  while (!r.empty()) {
    const uint64_t v = r.PackedInt();
    if (!r.ok()) return false;
    out->push_back(v);
  }
  return true;
}

// Length-prefixed strings (packed length + bytes); false on truncation.
bool ReadStringList(ByteReader& r, size_t count, std::vector<std::string_view>* out) {
  for (size_t i = 0; i < count && r.ok(); ++i) {
    const uint64_t n = r.PackedInt();
    out->push_back(r.TakeString(static_cast<size_t>(n)));
  }
  return r.ok();
}

}  // namespace

// Builds a TableMap; a class (not free functions) so it can fill the map's
// private fields and keep the per-kind column lists the TLVs index by.
class TableMapParser {
 public:
  explicit TableMapParser(TableMap* map) : map_(*map) {}

  Status Run(uint8_t post_header_len) {
    ByteReader r(map_.body());
    OSC_RETURN_IF_ERROR(ParseHeader(r, post_header_len));
    OSC_RETURN_IF_ERROR(ParseColumns(r));
    BuildKindLists();
    while (!r.empty()) OSC_RETURN_IF_ERROR(ParseTlv(r));
    return Status::Ok();
  }

 private:
  using Kinds = std::vector<uint32_t>;  // column indexes of one kind

  static Status Corrupt(const std::string& what) { return Status::Corruption("TABLE_MAP: " + what); }

  Status ParseHeader(ByteReader& r, uint8_t post_header_len) {
    if (post_header_len != 6 && post_header_len < 8) {
      return Corrupt("post-header length " + std::to_string(post_header_len));
    }
    map_.table_id_ = post_header_len == 6 ? r.U32() : r.U48();
    map_.flags_ = r.U16();
    r.Skip(post_header_len == 6 ? 0 : post_header_len - 8u);  // unknown extra post-header
    map_.schema_ = ReadName(r);
    map_.table_ = ReadName(r);
    if (!r.ok()) return Corrupt("truncated before the column list");
    return Status::Ok();
  }

  // Name: packed length, bytes, NUL.
  static std::string_view ReadName(ByteReader& r) {
    const uint64_t n = r.PackedInt();
    if (n > kMaxNameLength) r.Fail();
    const std::string_view name = r.TakeString(static_cast<size_t>(n));
    if (r.U8() != 0) r.Fail();
    return name;
  }

  Status ParseColumns(ByteReader& r) {
    const uint64_t count = r.PackedInt();
    if (!r.ok() || count == 0 || count > r.remaining()) return Corrupt("bad column count");
    const Bytes types = r.Take(static_cast<size_t>(count));
    map_.columns_.resize(static_cast<size_t>(count));
    // Servers before 5.1.? stopped after the types: no metadata, no null
    // bitmap (every column is then taken as nullable).
    const uint64_t meta_length = r.empty() ? 0 : r.PackedInt();
    ByteReader meta(r.Take(static_cast<size_t>(meta_length)));
    const Bytes nulls = r.empty() && meta_length == 0 ? Bytes() : r.Take((types.size() + 7) / 8);
    if (!r.ok()) return Corrupt("truncated metadata block or null bitmap");
    for (size_t i = 0; i < types.size(); ++i) {
      Column& c = map_.columns_[i];
      OSC_ASSIGN_OR_RETURN(c.meta, ReadColumnMeta(types[i], meta));
      c.nullable = nulls.empty() || ((nulls[i / 8] >> (i % 8)) & 1);
      if (c.meta.type == ColumnType::kJson) ++map_.json_column_count_;
    }
    if (!meta.empty()) return Corrupt("metadata block longer than the column types need");
    return Status::Ok();
  }

  void BuildKindLists() {
    for (uint32_t i = 0; i < map_.columns_.size(); ++i) {
      const ColumnMeta& m = map_.columns_[i].meta;
      if (IsSignednessColumn(m, map_.flavor_)) numeric_.push_back(i);
      if (IsCharsetColumn(m, map_.flavor_)) charset_.push_back(i);
      if (IsEnumOrSetColumn(m)) enum_or_set_.push_back(i);
      if (m.real_type == ColumnType::kEnum) enums_.push_back(i);
      if (m.real_type == ColumnType::kSet) sets_.push_back(i);
      if (m.real_type == ColumnType::kGeometry) geometries_.push_back(i);
      if (m.real_type == ColumnType::kVector) vectors_.push_back(i);
      all_.push_back(i);
    }
  }

  Status ParseTlv(ByteReader& r) {
    const uint8_t type = r.U8();
    const uint64_t length = r.PackedInt();
    const Bytes value = r.Take(static_cast<size_t>(length));
    if (!r.ok()) return Corrupt("optional metadata field " + TlvName(type) + " runs past the end");
    if (type < 32) map_.tlv_mask_ |= 1u << type;
    switch (static_cast<OptionalMetadataType>(type)) {
      case OptionalMetadataType::kSignedness: return SignednessBits(value);
      case OptionalMetadataType::kDefaultCharset: return DefaultCharset(type, value, charset_);
      case OptionalMetadataType::kColumnCharset: return ColumnCharset(type, value, charset_);
      case OptionalMetadataType::kEnumAndSetDefaultCharset: return DefaultCharset(type, value, enum_or_set_);
      case OptionalMetadataType::kEnumAndSetColumnCharset: return ColumnCharset(type, value, enum_or_set_);
      case OptionalMetadataType::kColumnName: return ColumnNames(value);
      case OptionalMetadataType::kSetStrValue: return StrValues(type, value, sets_);
      case OptionalMetadataType::kEnumStrValue: return StrValues(type, value, enums_);
      case OptionalMetadataType::kGeometryType:
        return PerColumnInts(type, value, geometries_, [](Column& c, uint64_t v) {
          c.geometry_type = static_cast<uint32_t>(v);
        });
      case OptionalMetadataType::kVectorDimensionality:
        return PerColumnInts(type, value, vectors_, [](Column& c, uint64_t v) {
          c.vector_dimensions = static_cast<uint32_t>(v);
        });
      case OptionalMetadataType::kSimplePrimaryKey: return PrimaryKey(type, value, false);
      case OptionalMetadataType::kPrimaryKeyWithPrefix: return PrimaryKey(type, value, true);
      case OptionalMetadataType::kColumnVisibility: return Visibility(value);
    }
    return Status::Ok();  // a TLV type newer than osc: skipped by its length
  }

  void Warn(uint8_t type, const std::string& why) {
    map_.warnings_.push_back(TlvName(type) + " ignored: " + why);
  }
  bool CountMatches(uint8_t type, size_t got, const Kinds& kinds) {
    if (got == kinds.size()) return true;
    Warn(type, std::to_string(got) + " entries for " + std::to_string(kinds.size()) + " columns");
    return false;
  }

  // SIGNEDNESS: one bit per numeric column, most significant bit first
  // (rows_event.cpp parse_signedness), 1 = unsigned.
  Status SignednessBits(Bytes value) {
    const auto type = static_cast<uint8_t>(OptionalMetadataType::kSignedness);
    if (!CountMatches(type, value.size(), BytesFor(numeric_.size()))) return Status::Ok();
    for (size_t k = 0; k < numeric_.size(); ++k) {
      const bool bit = (value[k / 8] >> (7 - k % 8)) & 1;
      map_.columns_[numeric_[k]].signedness =
          bit ? binlog::Signedness::kUnsigned : binlog::Signedness::kSigned;
    }
    return Status::Ok();
  }

  // COLUMN_VISIBILITY: one bit per column, most significant bit first,
  // 1 = visible (MySQL 8.0.23+ INVISIBLE columns).
  Status Visibility(Bytes value) {
    const auto type = static_cast<uint8_t>(OptionalMetadataType::kColumnVisibility);
    if (!CountMatches(type, value.size(), BytesFor(all_.size()))) return Status::Ok();
    for (size_t k = 0; k < all_.size(); ++k) map_.columns_[k].visible = (value[k / 8] >> (7 - k % 8)) & 1;
    return Status::Ok();
  }

  // A list of `n` zeros: lets CountMatches compare a bitmap's byte count.
  static Kinds BytesFor(size_t n) { return Kinds((n + 7) / 8); }

  // DEFAULT_CHARSET / ENUM_AND_SET_DEFAULT_CHARSET: the most common
  // collation, then (index among `kinds`, collation) pairs for the others.
  Status DefaultCharset(uint8_t type, Bytes value, const Kinds& kinds) {
    std::vector<uint64_t> ints;
    if (!ReadPackedList(value, &ints) || ints.empty() || ints.size() % 2 != 1) {
      return Corrupt(TlvName(type) + " is not a collation followed by pairs");
    }
    for (size_t p = 1; p < ints.size(); p += 2) {
      if (ints[p] >= kinds.size()) {
        Warn(type, "column index " + std::to_string(ints[p]) + " out of range");
        return Status::Ok();
      }
    }
    for (uint32_t col : kinds) map_.columns_[col].collation = static_cast<uint32_t>(ints[0]);
    for (size_t p = 1; p < ints.size(); p += 2) {
      map_.columns_[kinds[ints[p]]].collation = static_cast<uint32_t>(ints[p + 1]);
    }
    return Status::Ok();
  }

  // COLUMN_CHARSET / ENUM_AND_SET_COLUMN_CHARSET: one collation per column.
  Status ColumnCharset(uint8_t type, Bytes value, const Kinds& kinds) {
    return PerColumnInts(type, value, kinds,
                         [](Column& c, uint64_t v) { c.collation = static_cast<uint32_t>(v); });
  }

  template <typename Apply>
  Status PerColumnInts(uint8_t type, Bytes value, const Kinds& kinds, Apply apply) {
    std::vector<uint64_t> ints;
    if (!ReadPackedList(value, &ints)) return Corrupt(TlvName(type) + " is truncated");
    if (!CountMatches(type, ints.size(), kinds)) return Status::Ok();
    for (size_t k = 0; k < kinds.size(); ++k) apply(map_.columns_[kinds[k]], ints[k]);
    return Status::Ok();
  }

  Status ColumnNames(Bytes value) {
    const auto type = static_cast<uint8_t>(OptionalMetadataType::kColumnName);
    std::vector<std::string_view> names;
    ByteReader r(value);
    while (r.ok() && !r.empty()) ReadStringList(r, 1, &names);
    if (!r.ok()) return Corrupt("COLUMN_NAME is truncated");
    if (!CountMatches(type, names.size(), all_)) return Status::Ok();
    for (size_t i = 0; i < names.size(); ++i) map_.columns_[i].name = names[i];
    return Status::Ok();
  }

  // SET_STR_VALUE / ENUM_STR_VALUE: per column, a count then the strings.
  Status StrValues(uint8_t type, Bytes value, const Kinds& kinds) {
    std::vector<std::vector<std::string_view>> lists;
    ByteReader r(value);
    while (r.ok() && !r.empty()) {
      const uint64_t count = r.PackedInt();
      if (count > r.remaining()) r.Fail();  // every string needs >= 1 byte
      lists.emplace_back();
      ReadStringList(r, static_cast<size_t>(count), &lists.back());
    }
    if (!r.ok()) return Corrupt(TlvName(type) + " is truncated");
    if (!CountMatches(type, lists.size(), kinds)) return Status::Ok();
    for (size_t k = 0; k < kinds.size(); ++k) map_.columns_[kinds[k]].enum_values = std::move(lists[k]);
    return Status::Ok();
  }

  Status PrimaryKey(uint8_t type, Bytes value, bool with_prefix) {
    std::vector<uint64_t> ints;
    if (!ReadPackedList(value, &ints) || (with_prefix && ints.size() % 2 != 0)) {
      return Corrupt(TlvName(type) + " is malformed");
    }
    std::vector<PrimaryKeyPart> parts;
    for (size_t i = 0; i < ints.size(); i += with_prefix ? 2 : 1) {
      if (ints[i] >= map_.columns_.size()) {
        Warn(type, "column index " + std::to_string(ints[i]) + " out of range");
        return Status::Ok();
      }
      parts.push_back({static_cast<uint32_t>(ints[i]), with_prefix ? static_cast<uint32_t>(ints[i + 1]) : 0});
    }
    map_.primary_key_ = std::move(parts);
    return Status::Ok();
  }

  TableMap& map_;
  Kinds numeric_, charset_, enum_or_set_, enums_, sets_, geometries_, vectors_, all_;
};

Result<std::shared_ptr<const TableMap>> TableMap::Parse(Bytes body, uint8_t post_header_len,
                                                        ServerFlavor flavor) {
  std::shared_ptr<TableMap> map(new TableMap());
  map->body_.assign(body.begin(), body.end());
  map->flavor_ = flavor;
  OSC_RETURN_IF_ERROR(TableMapParser(map.get()).Run(post_header_len));
  return std::shared_ptr<const TableMap>(std::move(map));
}

Result<std::shared_ptr<const TableMap>> TableMapCache::Update(Bytes body, uint8_t post_header_len) {
  OSC_ASSIGN_OR_RETURN(const uint64_t id, ReadTableId(body, post_header_len));
  if (auto it = maps_.find(id); it != maps_.end()) {
    const Bytes old = it->second->body();
    if (it->second->flavor() == flavor_ && old.size() == body.size() &&
        std::memcmp(old.data(), body.data(), body.size()) == 0) {
      return it->second;
    }
  }
  OSC_ASSIGN_OR_RETURN(std::shared_ptr<const TableMap> map, TableMap::Parse(body, post_header_len, flavor_));
  if (maps_.size() >= max_entries_ && maps_.find(id) == maps_.end()) maps_.clear();
  maps_[id] = map;
  return map;
}

std::shared_ptr<const TableMap> TableMapCache::Find(uint64_t table_id) const {
  auto it = maps_.find(table_id);
  return it == maps_.end() ? nullptr : it->second;
}

Result<uint64_t> ReadTableId(Bytes body, uint8_t post_header_len) {
  ByteReader r(body);
  const uint64_t id = post_header_len == 6 ? r.U32() : r.U48();
  if (!r.ok()) return Status::Corruption("event too short for its table id");
  return id;
}

}  // namespace osc::binlog
