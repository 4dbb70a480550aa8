#include "binlog/rows_event.h"

#include <bit>
#include <cstring>
#include <string>

#include "binlog/event_type.h"

namespace osc::binlog {
namespace {

constexpr uint64_t kPartialJsonUpdates = 1;  // binlog_row_value_options bit

bool BitSet(Bytes bitmap, size_t i) { return (bitmap[i / 8] >> (i % 8)) & 1; }

ValueKind KindOf(const ColumnMeta& m) {
  switch (m.layout) {
    case ValueLayout::kInt: return ValueKind::kInt;
    case ValueLayout::kFloat: return ValueKind::kFloat;
    case ValueLayout::kDouble: return ValueKind::kDouble;
    case ValueLayout::kYear: return ValueKind::kYear;
    case ValueLayout::kDate: return ValueKind::kDate;
    case ValueLayout::kTimeOld:
    case ValueLayout::kTime2: return ValueKind::kTime;
    case ValueLayout::kDateTimeOld:
    case ValueLayout::kDateTime2: return ValueKind::kDateTime;
    case ValueLayout::kTimestampOld:
    case ValueLayout::kTimestamp2: return ValueKind::kTimestamp;
    case ValueLayout::kNewDecimal: return ValueKind::kDecimal;
    case ValueLayout::kBit: return ValueKind::kBit;
    case ValueLayout::kEnum: return ValueKind::kEnum;
    case ValueLayout::kSet: return ValueKind::kSet;
    case ValueLayout::kNullType: return ValueKind::kNullType;
    case ValueLayout::kUnsupported: return ValueKind::kNull;
    case ValueLayout::kVarLength: break;
  }
  switch (m.real_type) {
    case ColumnType::kJson: return ValueKind::kJson;
    case ColumnType::kGeometry: return ValueKind::kGeometry;
    case ColumnType::kVector: return ValueKind::kVector;
    case ColumnType::kMariaBlobCompressed:
    case ColumnType::kMariaVarcharCompressed: return ValueKind::kCompressed;
    default: return ValueKind::kString;
  }
}

RowDecoder::Plan MakePlan(const Column& c, uint8_t legacy_fsp) {
  const ColumnMeta& m = c.meta;
  RowDecoder::Plan p;
  p.layout = m.layout;
  p.kind = KindOf(m);
  p.type = m.real_type;
  p.size = m.layout == ValueLayout::kVarLength ? m.length_size : m.fixed_size;
  p.width = m.layout == ValueLayout::kNewDecimal ? m.precision : m.fixed_size;
  p.scale = m.scale;
  p.signedness = c.signedness;
  p.max_length = m.max_length;
  const bool legacy = m.layout == ValueLayout::kTimestampOld || m.layout == ValueLayout::kDateTimeOld ||
                      m.layout == ValueLayout::kTimeOld;
  if (legacy && legacy_fsp > 0 && legacy_fsp <= 6) {
    p.legacy_fsp = legacy_fsp;
    p.scale = legacy_fsp;
    p.size = m.layout == ValueLayout::kTimestampOld  ? MariaHiresTimestampBytes(legacy_fsp)
             : m.layout == ValueLayout::kDateTimeOld ? MariaHiresDateTimeBytes(legacy_fsp)
                                                      : MariaHiresTimeBytes(legacy_fsp);
  }
  return p;
}

}  // namespace

bool IsRowsEventType(uint8_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::kWriteRowsV1:
    case EventType::kUpdateRowsV1:
    case EventType::kDeleteRowsV1:
    case EventType::kWriteRowsV2:
    case EventType::kUpdateRowsV2:
    case EventType::kDeleteRowsV2:
    case EventType::kPartialUpdateRows:
      return true;
    default:
      return false;
  }
}

Result<RowsEvent> ParseRowsEvent(uint8_t type, Bytes body, uint8_t post_header_len) {
  RowsEvent ev;
  ev.type = type;
  switch (static_cast<EventType>(type)) {
    case EventType::kWriteRowsV1: ev.kind = RowsKind::kWrite; break;
    case EventType::kUpdateRowsV1: ev.kind = RowsKind::kUpdate; break;
    case EventType::kDeleteRowsV1: ev.kind = RowsKind::kDelete; break;
    case EventType::kWriteRowsV2: ev.kind = RowsKind::kWrite; break;
    case EventType::kUpdateRowsV2: ev.kind = RowsKind::kUpdate; break;
    case EventType::kDeleteRowsV2: ev.kind = RowsKind::kDelete; break;
    case EventType::kPartialUpdateRows:
      ev.kind = RowsKind::kUpdate;
      ev.partial = true;
      break;
    default:
      return Status::InvalidArgument("event type " + std::to_string(type) + " is not a rows event");
  }
  ev.version = type >= static_cast<uint8_t>(EventType::kWriteRowsV2) ? 2 : 1;
  ByteReader r(body);
  ev.table_id = post_header_len == 6 ? r.U32() : r.U48();
  ev.flags = r.U16();
  size_t consumed = post_header_len == 6 ? 6 : 8;
  if (ev.version == 2) {
    // The extra-data length counts its own two bytes (ROWS_HEADER_LEN_V2).
    const uint16_t extra = r.U16();
    if (r.ok() && extra < 2) return Status::Corruption("rows event extra-data length below 2");
    ev.extra_data = r.Take(extra - 2u);
    consumed += 2;
  }
  if (post_header_len > consumed) r.Skip(post_header_len - consumed);
  const uint64_t width = r.PackedInt();
  if (r.ok() && (width == 0 || width > kMaxColumns)) {
    return Status::Corruption("rows event column count " + std::to_string(width));
  }
  ev.column_count = static_cast<uint32_t>(width);
  const Bytes first = r.Take((width + 7) / 8);
  const Bytes second = ev.kind == RowsKind::kUpdate ? r.Take((width + 7) / 8) : first;
  if (!r.ok()) return Status::Corruption("rows event header truncated");
  ev.before_columns = ev.kind == RowsKind::kWrite ? Bytes() : first;
  ev.after_columns = ev.kind == RowsKind::kDelete ? Bytes() : second;
  ev.rows = r.rest();
  return ev;
}

RowDecoder::RowDecoder(const RowsEvent& event, std::shared_ptr<const TableMap> map)
    : event_(event), map_(std::move(map)), pos_(event.rows.data()), end_(event.rows.data() + event.rows.size()) {}

Result<RowDecoder> RowDecoder::Create(const RowsEvent& event, std::shared_ptr<const TableMap> map,
                                      const RowDecodeOptions& options) {
  if (map == nullptr) return Status::InvalidArgument("no TABLE_MAP for rows event");
  if (map->table_id() != event.table_id) {
    return Status::InvalidArgument("TABLE_MAP is for table id " + std::to_string(map->table_id()) +
                                   ", rows event for " + std::to_string(event.table_id));
  }
  if (map->column_count() != event.column_count) {
    return Status::Corruption("rows event for `" + std::string(map->schema()) + "`.`" +
                              std::string(map->table()) + "` has " + std::to_string(event.column_count) +
                              " columns, its TABLE_MAP " + std::to_string(map->column_count()));
  }
  RowDecoder d(event, std::move(map));
  int32_t json_index = 0;
  d.plans_.reserve(event.column_count);
  for (uint32_t i = 0; i < event.column_count; ++i) {
    const Column& c = d.map_->columns()[i];
    d.plans_.push_back(MakePlan(c, i < options.legacy_fsp.size() ? options.legacy_fsp[i] : 0));
    if (c.meta.type == ColumnType::kJson) d.plans_.back().json_index = json_index++;
    if (event.has_before() && BitSet(event.before_columns, i)) d.before_present_.push_back(i);
    if (event.has_after() && BitSet(event.after_columns, i)) d.after_present_.push_back(i);
  }
  return d;
}

Status RowDecoder::Fail(std::string what) {
  if (error_.ok()) {
    const Column& c = map_->columns()[current_column_ < plans_.size() ? current_column_ : 0];
    const bool unsupported = plans_.empty() ? false : plans_[current_column_].layout == ValueLayout::kUnsupported;
    std::string msg = "rows event for `" + std::string(map_->schema()) + "`.`" + std::string(map_->table()) +
                      "`, row " + std::to_string(rows_decoded_) + ", column " +
                      std::to_string(current_column_) + " (" +
                      std::string(ColumnTypeName(c.meta.real_type)) + "), offset " +
                      std::to_string(pos_ - event_.rows.data()) + ": " + what;
    error_ = unsupported ? Status::NotSupported(msg) : Status::Corruption(msg);
  }
  return error_;
}

Result<bool> RowDecoder::Next(Row* row) {
  if (!error_.ok()) return error_;
  if (pos_ == end_) return false;
  const size_t before_size = event_.has_before() ? plans_.size() : 0;
  const size_t after_size = event_.has_after() ? plans_.size() : 0;
  if (row != last_row_ || row->before.size() != before_size || row->after.size() != after_size) {
    // A new Row object (or one the caller resized): size both images once;
    // absent columns then stay kAbsent because DecodeImage only ever writes
    // the present ones.
    row->before.assign(before_size, Value());
    row->after.assign(after_size, Value());
    last_row_ = row;
  }
  if (event_.has_before() && !DecodeImage(false, &row->before)) return Fail("value does not fit");
  if (event_.has_after() && !DecodeImage(true, &row->after)) return Fail("value does not fit");
  ++rows_decoded_;
  return true;
}

bool RowDecoder::DecodeImage(bool after_image, std::vector<Value>* out) {
  const std::vector<uint32_t>& present = after_image ? after_present_ : before_present_;
  Bytes partial_bits;
  if (after_image && event_.partial) {
    ByteReader r(Bytes(pos_, static_cast<size_t>(end_ - pos_)));
    const uint64_t options = r.PackedInt();
    if ((options & kPartialJsonUpdates) != 0) partial_bits = r.Take((map_->json_column_count() + 7) / 8);
    if (!r.ok()) return false;
    pos_ = r.position();
  }
  const size_t null_bytes = (present.size() + 7) / 8;
  if (static_cast<size_t>(end_ - pos_) < null_bytes) return false;
  const uint8_t* nulls = pos_;
  pos_ += null_bytes;
  Value* values = out->data();
  for (size_t k = 0; k < present.size(); ++k) {
    const uint32_t col = present[k];
    current_column_ = col;
    Value& v = values[col];
    if ((nulls[k / 8] >> (k % 8)) & 1) {
      v = Value();
      v.kind = ValueKind::kNull;
      v.type = plans_[col].type;
      continue;
    }
    const Plan& plan = plans_[col];
    const bool partial = !partial_bits.empty() && plan.json_index >= 0 &&
                         BitSet(partial_bits, static_cast<size_t>(plan.json_index));
    if (!DecodeValue(plan, partial, &v)) return false;
  }
  return true;
}

// The hot path: one switch per value, no allocation, every read bounded by
// end_. Returns false (leaving pos_ at the value) when the value does not
// fit or holds impossible bytes.
bool RowDecoder::DecodeValue(const Plan& plan, bool partial_json, Value* v) {
  const size_t left = static_cast<size_t>(end_ - pos_);
  const uint8_t* p = pos_;
  v->kind = plan.kind;
  v->type = plan.type;
  v->width = plan.width;
  v->scale = plan.scale;
  v->signedness = plan.signedness;
  v->raw = {};
  size_t size = plan.size;
  if (plan.layout != ValueLayout::kVarLength && left < size) return false;
  switch (plan.layout) {
    case ValueLayout::kInt:
      switch (size) {
        case 1: v->bits = p[0]; break;
        case 2: v->bits = LoadLE16(p); break;
        case 3: v->bits = LoadLE24(p); break;
        case 4: v->bits = LoadLE32(p); break;
        default: v->bits = LoadLE64(p); break;
      }
      break;
    case ValueLayout::kFloat: std::memcpy(&v->f32, p, 4); break;
    case ValueLayout::kDouble: std::memcpy(&v->f64, p, 8); break;
    case ValueLayout::kYear: v->bits = p[0] == 0 ? 0 : p[0] + 1900u; break;
    case ValueLayout::kDate:
      if (!DecodeDate(p, &v->temporal)) return false;
      break;
    case ValueLayout::kTimeOld:
      if (!(plan.legacy_fsp ? DecodeMariaHiresTime(p, plan.legacy_fsp, &v->temporal)
                            : DecodeTimeOld(p, &v->temporal))) {
        return false;
      }
      break;
    case ValueLayout::kDateTimeOld:
      if (!(plan.legacy_fsp ? DecodeMariaHiresDateTime(p, plan.legacy_fsp, &v->temporal)
                            : DecodeDateTimeOld(p, &v->temporal))) {
        return false;
      }
      break;
    case ValueLayout::kTimestampOld: {
      uint32_t seconds = 0;
      v->temporal = Temporal{};
      if (plan.legacy_fsp) {
        if (!DecodeMariaHiresTimestamp(p, plan.legacy_fsp, &seconds, &v->temporal.micros)) return false;
      } else {
        seconds = LoadLE32(p);
      }
      v->bits = seconds;
      break;
    }
    case ValueLayout::kTimestamp2: {
      uint32_t seconds = 0;
      v->temporal = Temporal{};
      if (!DecodeTimestamp2(p, plan.scale, &seconds, &v->temporal.micros)) return false;
      v->bits = seconds;
      break;
    }
    case ValueLayout::kDateTime2:
      if (!DecodeDateTime2(p, plan.scale, &v->temporal)) return false;
      break;
    case ValueLayout::kTime2:
      if (!DecodeTime2(p, plan.scale, &v->temporal)) return false;
      break;
    case ValueLayout::kNewDecimal:
      v->raw = std::string_view(reinterpret_cast<const char*>(p), size);
      break;
    case ValueLayout::kBit:
      v->raw = std::string_view(reinterpret_cast<const char*>(p), size);
      v->bits = LoadBEN(p, size);
      break;
    case ValueLayout::kEnum:
    case ValueLayout::kSet:
      v->bits = LoadLEN(p, size);
      break;
    case ValueLayout::kVarLength: {
      if (left < size) return false;
      const uint64_t length = LoadLEN(p, size);
      if (length > left - size || (plan.max_length != 0 && length > plan.max_length)) return false;
      v->raw = std::string_view(reinterpret_cast<const char*>(p + size), static_cast<size_t>(length));
      if (partial_json) v->kind = ValueKind::kJsonDiff;
      size += static_cast<size_t>(length);
      break;
    }
    case ValueLayout::kNullType:
      break;
    case ValueLayout::kUnsupported:
      return false;
  }
  pos_ += size;
  return true;
}

}  // namespace osc::binlog
