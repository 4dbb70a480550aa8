#include "tools/random_writer.h"

#include <cstdio>
#include <random>
#include <string>

#include "common/clock.h"
#include "db/errors.h"
#include "db/quoting.h"

namespace osc::tools {
namespace {

// Key changes move a row far above the ids AUTO_INCREMENT hands out, so a
// moved row never collides with a fresh insert.
constexpr int64_t kMovedIdBase = 4'000'000'000'000LL;

std::string RandomName(std::mt19937_64& rng) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(8 + rng() % 24, 'x');
  for (char& c : s) c = kChars[rng() % (sizeof(kChars) - 1)];
  return s;
}

std::string Amount(std::mt19937_64& rng) {
  const int64_t cents = static_cast<int64_t>(rng() % 100000000) - 50000000;
  const char* sign = cents < 0 ? "-" : "";
  const int64_t a = cents < 0 ? -cents : cents;
  return std::string(sign) + std::to_string(a / 100) + "." + (a % 100 < 10 ? "0" : "") +
         std::to_string(a % 100);
}

std::string RandomDateTime(std::mt19937_64& rng) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "'20%02d-%02d-%02d %02d:%02d:%02d.%06d'", static_cast<int>(rng() % 30),
                static_cast<int>(1 + rng() % 12), static_cast<int>(1 + rng() % 28), static_cast<int>(rng() % 24),
                static_cast<int>(rng() % 60), static_cast<int>(rng() % 60), static_cast<int>(rng() % 1000000));
  return buf;
}

std::string RowValues(std::mt19937_64& rng, int64_t u_or_negative) {
  std::string u = u_or_negative < 0 ? "NULL" : std::to_string(u_or_negative);
  return "(" + u + ", '" + RandomName(rng) + "', " + (rng() % 5 == 0 ? "NULL" : "'" + RandomName(rng) + RandomName(rng) + "'") +
         ", " + Amount(rng) + ", " + RandomDateTime(rng) + ", " + std::to_string(rng() % 256) + ")";
}

constexpr const char* kWorkloadColumns = "id, u, name, payload, amount, created, flags";

bool IsExpected(uint32_t err) { return err == 1062 || err == 1205 || err == 1213; }

}  // namespace

Status CreateWorkloadTable(db::Connection& conn, const std::string& database, const std::string& table,
                           uint64_t rows, uint64_t seed) {
  const std::string qt = db::QuoteQualified(database, table);
  OSC_RETURN_IF_ERROR(conn.Execute("DROP TABLE IF EXISTS " + qt));
  OSC_RETURN_IF_ERROR(conn.Execute(
      "CREATE TABLE " + qt +
      " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, u INT NULL, name VARCHAR(64) NOT NULL DEFAULT '',"
      " payload TEXT, amount DECIMAL(12,2), created DATETIME(6) NOT NULL, flags TINYINT UNSIGNED NOT NULL"
      " DEFAULT 0, UNIQUE KEY uk_u (u), KEY k_created (created)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"));
  std::mt19937_64 rng(seed);
  constexpr uint64_t kBatch = 5000;
  for (uint64_t done = 0; done < rows;) {
    const uint64_t n = std::min(kBatch, rows - done);
    std::string sql = "INSERT INTO " + qt + " (u, name, payload, amount, created, flags) VALUES ";
    for (uint64_t i = 0; i < n; ++i) {
      if (i) sql += ',';
      // Every third row has a NULL u; the others a unique value.
      const uint64_t row = done + i;
      sql += RowValues(rng, row % 3 == 0 ? -1 : static_cast<int64_t>(row));
    }
    OSC_RETURN_IF_ERROR(conn.Execute(sql));
    done += n;
  }
  return Status::Ok();
}

RandomWriter::RandomWriter(WriterOptions options) : options_(std::move(options)) {}

RandomWriter::~RandomWriter() { Stop(); }

Status RandomWriter::Start() {
  std::vector<db::Connection> conns;
  for (int i = 0; i < options_.threads; ++i) {
    db::ConnectionOptions co = options_.connection;
    co.database = options_.database;
    co.read_timeout = std::chrono::seconds(30);
    co.init_statements.push_back("SET SESSION innodb_lock_wait_timeout = 5");
    auto c = db::Connection::Open(co);
    if (!c.ok()) return c.status().WithContext("load writer connect");
    conns.push_back(std::move(*c));
  }
  auto max = conns[0].QueryScalar("SELECT COALESCE(MAX(id), 0) FROM " + db::QuoteIdentifier(options_.table) +
                                  " WHERE id < " + std::to_string(kMovedIdBase));
  if (!max.ok()) return max.status();
  max_id_ = max->has_value() ? std::stoll(**max) : 0;
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this, i, c = std::move(conns[static_cast<size_t>(i)])](std::stop_token st) mutable {
      Run(st, i, std::move(c));
    });
  }
  return Status::Ok();
}

void RandomWriter::Stop() {
  for (auto& t : threads_) t.request_stop();
  threads_.clear();  // jthread joins
}

WriterStats RandomWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void RandomWriter::Record(const Status& s) {
  std::lock_guard lock(mu_);
  if (s.ok()) {
    ++stats_.ops;
    return;
  }
  ++stats_.errors_by_errno[s.server_errno()];
  if (IsExpected(s.server_errno())) {
    ++stats_.expected_errors;
  } else {
    if (stats_.unexpected_errors++ == 0) stats_.first_unexpected = s.ToString();
  }
}

void RandomWriter::Run(std::stop_token stop, int index, db::Connection conn) {
  std::mt19937_64 rng(options_.seed * 7919 + static_cast<uint64_t>(index));
  const std::string qt = db::QuoteIdentifier(options_.table);
  const int total = options_.w_insert + options_.w_update + options_.w_key_change + options_.w_delete +
                    options_.w_swap + options_.w_multi;
  const auto pause = options_.ops_per_second > 0
                         ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 * options_.threads / options_.ops_per_second))
                         : std::chrono::nanoseconds(0);
  auto random_id = [&] {
    const int64_t max = std::max<int64_t>(1, max_id_.load());
    return 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(max));
  };
  auto txn = [&](const std::vector<std::string>& stmts, bool commit) -> Status {
    OSC_RETURN_IF_ERROR(conn.Execute("START TRANSACTION"));
    for (const auto& s : stmts) {
      Status st = conn.Execute(s);
      if (!st.ok()) {
        (void)conn.Execute("ROLLBACK");
        return st;
      }
    }
    return conn.Execute(commit ? "COMMIT" : "ROLLBACK");
  };
  while (!stop.stop_requested()) {
    if (conn.broken()) {
      auto c = db::Connection::Open(options_.connection);
      if (!c.ok()) {
        Record(c.status());
        SystemClock()->SleepFor(std::chrono::milliseconds(200), stop);
        continue;
      }
      conn = std::move(*c);
      (void)conn.Execute("USE " + db::QuoteIdentifier(options_.database));
    }
    int pick = static_cast<int>(rng() % static_cast<uint64_t>(total));
    // Each operation is a list of statements; in mirror mode each change is
    // followed by the statements that copy the touched rows into the
    // mirror, and the whole list is one transaction.
    const bool mirror = !options_.mirror_table.empty();
    const std::string qm = mirror ? db::QuoteIdentifier(options_.mirror_table) : "";
    auto sync_rows = [&](std::vector<std::string>* out, const std::string& where) {
      if (!mirror) return;
      out->push_back("DELETE FROM " + qm + " WHERE " + where);
      out->push_back("INSERT INTO " + qm + " (" + kWorkloadColumns + ") SELECT " + kWorkloadColumns + " FROM " + qt +
                     " WHERE " + where);
    };
    auto insert_row = [&](std::vector<std::string>* out, int64_t u) {
      out->push_back("INSERT INTO " + qt + " (u, name, payload, amount, created, flags) VALUES " + RowValues(rng, u));
      sync_rows(out, "id = LAST_INSERT_ID()");
    };
    std::vector<std::string> stmts;
    bool commit = true;
    int inserted = 0;
    if ((pick -= options_.w_insert) < 0) {
      insert_row(&stmts, rng() % 2 ? static_cast<int64_t>(rng() % 10'000'000) : -1);
      inserted = 1;
    } else if ((pick -= options_.w_update) < 0) {
      const std::string id = std::to_string(random_id());
      stmts.push_back("UPDATE " + qt + " SET name = '" + RandomName(rng) + "', amount = " + Amount(rng) +
                      ", flags = " + std::to_string(rng() % 256) + " WHERE id = " + id);
      sync_rows(&stmts, "id = " + id);
    } else if ((pick -= options_.w_key_change) < 0) {
      const std::string from = std::to_string(random_id());
      const std::string to = std::to_string(kMovedIdBase + next_moved_id_.fetch_add(1) * 16 + index);
      stmts.push_back("UPDATE " + qt + " SET id = " + to + " WHERE id = " + from);
      sync_rows(&stmts, "id IN (" + from + ", " + to + ")");
    } else if ((pick -= options_.w_delete) < 0) {
      const std::string id = std::to_string(random_id());
      stmts.push_back("DELETE FROM " + qt + " WHERE id = " + id);
      sync_rows(&stmts, "id = " + id);
    } else if ((pick -= options_.w_swap) < 0) {
      // Swap the unique values of two rows: the intermediate NULL keeps
      // the unique key valid inside the transaction.
      const std::string a = std::to_string(random_id()), b = std::to_string(random_id());
      if (a == b) continue;
      stmts = {"SELECT @ua := u FROM " + qt + " WHERE id = " + a + " FOR UPDATE",
               "SELECT @ub := u FROM " + qt + " WHERE id = " + b + " FOR UPDATE",
               "UPDATE " + qt + " SET u = NULL WHERE id = " + a,
               "UPDATE " + qt + " SET u = @ua WHERE id = " + b,
               "UPDATE " + qt + " SET u = @ub WHERE id = " + a};
      sync_rows(&stmts, "id IN (" + a + ", " + b + ")");
    } else {
      commit = rng() % 5 != 0;
      insert_row(&stmts, -1);
      insert_row(&stmts, -1);
      inserted = 2;
      const std::string up = std::to_string(random_id()), del = std::to_string(random_id());
      stmts.push_back("UPDATE " + qt + " SET payload = CONCAT(COALESCE(payload, ''), 'x') WHERE id = " + up);
      sync_rows(&stmts, "id = " + up);
      stmts.push_back("DELETE FROM " + qt + " WHERE id = " + del);
      sync_rows(&stmts, "id = " + del);
    }
    Status s = (stmts.size() == 1 && commit) ? conn.Execute(stmts[0]) : txn(stmts, commit);
    if (s.ok() && commit) max_id_.fetch_add(inserted);
    if (s.ok() && !commit) {
      std::lock_guard lock(mu_);
      ++stats_.rolled_back;
      continue;
    }
    Record(s);
    if (pause.count() > 0) SystemClock()->SleepFor(pause, stop);
  }
}

}  // namespace osc::tools
