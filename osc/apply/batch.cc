#include "osc/apply/batch.h"

#include <algorithm>

#include "db/quoting.h"

namespace osc::apply {

bool Batch::TryAdd(const RowChange& change) {
  if (key_has_collation_ && writes_ > 0 && change.RemovesKey()) return false;
  switch (change.kind) {
    case RowChangeKind::kInsert:
      Write(change.after_key, change.after);
      break;
    case RowChangeKind::kUpdate:
      if (change.ChangesKey()) Remove(change.before_key);
      Write(change.after_key, change.after);
      break;
    case RowChangeKind::kDelete:
      Remove(change.before_key);
      break;
  }
  ++added_;
  last_position_ = change.position;
  return true;
}

void Batch::Remove(const KeyLiterals& key) {
  KeyState& state = keys_[key];
  state.present = false;
  state.image.clear();
  state.sequence = ++sequence_;
}

void Batch::Write(const KeyLiterals& key, const std::vector<std::string>& image) {
  KeyState& state = keys_[key];
  state.present = true;
  state.image = image;
  state.sequence = ++sequence_;
  ++writes_;
}

void Batch::Clear() {
  keys_.clear();
  added_ = 0;
  writes_ = 0;
  sequence_ = 0;
}

std::vector<KeyLiterals> Batch::Keys() const {
  std::vector<KeyLiterals> out;
  out.reserve(keys_.size());
  for (const auto& entry : keys_) out.push_back(entry.first);
  return out;
}

std::vector<KeyLiterals> Batch::DeletedKeys() const {
  std::vector<std::pair<uint64_t, const KeyLiterals*>> order;
  for (const auto& [key, state] : keys_) {
    if (!state.present) order.emplace_back(state.sequence, &key);
  }
  std::sort(order.begin(), order.end());
  std::vector<KeyLiterals> out;
  out.reserve(order.size());
  for (const auto& entry : order) out.push_back(*entry.second);
  return out;
}

std::vector<const std::vector<std::string>*> Batch::FinalImages() const {
  std::vector<std::pair<uint64_t, const std::vector<std::string>*>> order;
  for (const auto& [key, state] : keys_) {
    if (state.present) order.emplace_back(state.sequence, &state.image);
  }
  std::sort(order.begin(), order.end());
  std::vector<const std::vector<std::string>*> out;
  out.reserve(order.size());
  for (const auto& entry : order) out.push_back(entry.second);
  return out;
}

namespace {

// "(a, b, c)" from already-formatted parts.
std::string Tuple(const std::vector<std::string>& parts) {
  std::string out = "(";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  return out + ")";
}

std::string QuotedTuple(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) quoted.push_back(db::QuoteIdentifier(name));
  return Tuple(quoted);
}

}  // namespace

std::string Batch::DeleteStatement(const std::string& shadow, const std::vector<std::string>& key_columns) const {
  const std::vector<KeyLiterals> keys = DeletedKeys();
  if (keys.empty()) return "";
  // A one-column key is written without the row constructor: `k` IN (...)
  // uses the index range access on every server version, (`k`) IN ((..))
  // is the same thing with more bytes.
  const bool single = key_columns.size() == 1;
  std::string sql = "DELETE FROM " + shadow + " WHERE " +
                    (single ? db::QuoteIdentifier(key_columns[0]) : QuotedTuple(key_columns)) + " IN (";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += single ? keys[i][0] : Tuple(keys[i]);
  }
  return sql + ")";
}

std::string Batch::ReplaceStatement(const std::string& shadow, const std::vector<std::string>& columns) const {
  const std::vector<const std::vector<std::string>*> images = FinalImages();
  if (images.empty()) return "";
  std::string sql = "REPLACE INTO " + shadow + " " + QuotedTuple(columns) + " VALUES ";
  for (size_t i = 0; i < images.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += Tuple(*images[i]);
  }
  return sql;
}

}  // namespace osc::apply
