// Decoders for the bodies of every non-row event osc reads: statement and
// control events (QUERY, ROTATE, XID, INTVAR, INCIDENT, ROWS_QUERY, STOP,
// HEARTBEAT v1/v2), MySQL GTIDs (GTID, ANONYMOUS_GTID, GTID_TAGGED,
// PREVIOUS_GTIDS) and MariaDB's (GTID, GTID_LIST, BINLOG_CHECKPOINT,
// ANNOTATE_ROWS, START_ENCRYPTION). Row events and TABLE_MAP live in the row
// decoder; FORMAT_DESCRIPTION in format_description.h; TRANSACTION_PAYLOAD
// and compressed events in payload.h.
//
// Every parser takes `body` = EventView::body (after the common header,
// checksum trailer removed), reads only inside it, and returns kCorruption
// when the bytes cannot be what the event type claims. string_view and Bytes
// members point into `body`: they live as long as the EventView does.
//
// Sources: MySQL libbinlogevents statement_events.cpp, control_events.cpp
// (mysql-server 8.0/9.x), libs/mysql/serialization (GTID_TAGGED); MariaDB
// sql/log_event.h, log_event.cc (10.11).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

// ---- QUERY (2) -------------------------------------------------------------
// Post-header (statement_events.h Q_*_OFFSET): thread_id u32 | exec_time u32
// | db_len u8 | error_code u16 | status_vars_len u16. Then status variables,
// the default database, a NUL, and the statement text up to the end.
inline constexpr size_t kQueryPostHeaderLength = 13;  // QUERY_HEADER_LEN
static_assert(kQueryPostHeaderLength == 4 + 4 + 1 + 2 + 2);

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  Bytes status_vars;      // raw; skipped by their declared length
  std::string_view db;    // default database (USE db); may be empty
  std::string_view query; // statement text, e.g. "BEGIN" or an ALTER TABLE
};
// `post_header_len` is FormatDescription::PostHeaderLength(kQuery) (13 on
// every v4 server; extra post-header bytes are skipped).
Result<QueryEvent> ParseQuery(Bytes body, uint8_t post_header_len);

// ---- ROTATE (4) ------------------------------------------------------------
// Post-header: position u64 (when post_header_len is 8). Body: the next file
// name, not NUL terminated, running to the end of the body.
inline constexpr size_t kRotateHeaderLen = 8;  // ROTATE_HEADER_LEN
static_assert(kRotateHeaderLen == sizeof(uint64_t));
struct RotateEvent {
  uint64_t position = 0;       // where the next file's events start (4)
  std::string_view next_file;  // e.g. "mysql-bin.000002"
};
Result<RotateEvent> ParseRotate(Bytes body, uint8_t post_header_len);

// ---- XID (16), INTVAR (5), INCIDENT (26), ROWS_QUERY (29) -----------------
struct XidEvent {
  uint64_t xid = 0;
};
Result<XidEvent> ParseXid(Bytes body);

struct IntvarEvent {
  uint8_t type = 0;  // 1 LAST_INSERT_ID, 2 INSERT_ID
  uint64_t value = 0;
};
Result<IntvarEvent> ParseIntvar(Bytes body);

// The server lost binlog data (e.g. LOST_EVENTS after a crash): a replica
// stops on it, and osc must not carry on as if nothing happened.
struct IncidentEvent {
  uint16_t type = 0;
  std::string_view message;
};
Result<IncidentEvent> ParseIncident(Bytes body);

// ROWS_QUERY: a length byte (the length truncated to 255, ignored by the
// server) then the statement text up to the end of the body.
struct RowsQueryEvent {
  std::string_view query;
};
Result<RowsQueryEvent> ParseRowsQuery(Bytes body);

// ---- HEARTBEAT (27) and HEARTBEAT_V2 (41) ----------------------------------
struct HeartbeatEvent {
  std::string_view log_file;
  // v1: the header's log_pos; v2: the OTW_HB_LOG_POSITION_FIELD if sent.
  std::optional<uint64_t> position;
};
// v1: the whole body is the current file name.
Result<HeartbeatEvent> ParseHeartbeatV1(Bytes body, uint32_t header_log_pos);
// v2 (control_events.h Heartbeat_event_v2, codecs/binary.cpp): TLV fields
// type(packed int) length(packed int) value, ended by type 0.
Result<HeartbeatEvent> ParseHeartbeatV2(Bytes body);

// ---- MySQL GTIDs ------------------------------------------------------------
using Uuid = std::array<uint8_t, 16>;
// "3e11fa47-71ca-11e1-9e33-c80aa9429562"
std::string FormatUuid(const Uuid& uuid);

// Untagged GTID post-header (control_events.h Gtid_event::POST_HEADER_LENGTH):
// flags, sid, gno, logical-clock typecode, last_committed, sequence_number.
// 5.6 servers wrote only the first three (25 bytes).
inline constexpr size_t kGtidPostHeaderLength = 42;
inline constexpr size_t kGtidMinBody = 25;
static_assert(kGtidPostHeaderLength == 1 + 16 + 8 + 1 + 8 + 8);
static_assert(kGtidMinBody == 1 + 16 + 8);

// GTID (33), ANONYMOUS_GTID (34) and GTID_TAGGED (42). Fields after gno were
// added over time; the ones an older server did not write are nullopt.
struct GtidEvent {
  uint8_t flags = 0;  // 1 = FLAG_MAY_HAVE_SBR
  Uuid sid{};
  std::string tag;    // empty unless GTID_TAGGED with a tag
  int64_t gno = 0;    // 0 for ANONYMOUS_GTID
  std::optional<int64_t> last_committed;   // 5.7+ logical clock
  std::optional<int64_t> sequence_number;
  std::optional<uint64_t> immediate_commit_timestamp;  // 8.0+, microseconds
  std::optional<uint64_t> original_commit_timestamp;
  std::optional<uint64_t> transaction_length;          // 8.0.2+
  std::optional<uint32_t> immediate_server_version;    // 8.0.14+
  std::optional<uint32_t> original_server_version;
  std::optional<uint64_t> commit_group_ticket;          // 8.0.33+
};
// Dispatches on `type` (33, 34 or 42). Untagged layout (control_events.cpp
// Gtid_event): flags u8 | sid[16] | gno i64 | [typecode 2 | last_committed
// i64 | sequence_number i64] | [immediate_ts 7 bytes, bit 55 = original
// follows | original_ts 7] | [transaction_length packed int] |
// [immediate_server_version u32, bit 31 = original follows | original u32] |
// [commit_group_ticket u64]. GTID_TAGGED is a mysql::serialization message
// (see events.cc). A GTID (33) with gno outside [1, 2^63-1) is corrupt.
Result<GtidEvent> ParseGtid(Bytes body, uint8_t type);

// PREVIOUS_GTIDS (35): the GTID set executed before this file.
struct GtidInterval {
  int64_t start = 0;  // first gno
  int64_t end = 0;    // one past the last gno
};
struct GtidSetEntry {
  Uuid sid{};
  std::string tag;  // only in the tagged format (MySQL 8.3+)
  std::vector<GtidInterval> intervals;
};
struct PreviousGtidsEvent {
  bool tagged_format = false;
  std::vector<GtidSetEntry> entries;
};
Result<PreviousGtidsEvent> ParsePreviousGtids(Bytes body);

// ---- MariaDB ----------------------------------------------------------------
// GTID (162), log_event.h Gtid_log_event. Post-header 19 bytes:
// seq_no u64 | domain_id u32 | flags2 u8 | 6 bytes (commit_id or padding).
inline constexpr size_t kMariaGtidPostHeaderLength = 19;  // GTID_HEADER_LEN
static_assert(kMariaGtidPostHeaderLength == 8 + 4 + 1 + 6);
inline constexpr uint8_t kMariaGtidStandalone = 1;        // FL_STANDALONE
inline constexpr uint8_t kMariaGtidGroupCommitId = 2;     // FL_GROUP_COMMIT_ID
inline constexpr uint8_t kMariaGtidTransactional = 4;     // FL_TRANSACTIONAL
inline constexpr uint8_t kMariaGtidDdl = 32;              // FL_DDL
inline constexpr uint8_t kMariaGtidPreparedXa = 64;       // FL_PREPARED_XA
inline constexpr uint8_t kMariaGtidCompletedXa = 128;     // FL_COMPLETED_XA
inline constexpr uint8_t kMariaGtidExtraMultiEngine = 1;  // FL_EXTRA_MULTI_ENGINE_E1
inline constexpr uint8_t kMariaGtidExtraCommitAlter = 4;  // FL_COMMIT_ALTER_E1
inline constexpr uint8_t kMariaGtidExtraRollbackAlter = 8;  // FL_ROLLBACK_ALTER_E1

struct MariaXid {
  uint32_t format_id = 0;
  uint8_t gtrid_length = 0;
  uint8_t bqual_length = 0;
  Bytes data;  // gtrid then bqual
};
struct MariaGtidEvent {
  uint64_t seq_no = 0;
  uint32_t domain_id = 0;
  uint8_t flags2 = 0;
  std::optional<uint64_t> commit_id;  // FL_GROUP_COMMIT_ID
  std::optional<MariaXid> xid;        // FL_PREPARED_XA / FL_COMPLETED_XA
  uint8_t flags_extra = 0;            // 10.8+
  uint8_t extra_engines = 0;          // FL_EXTRA_MULTI_ENGINE_E1
  std::optional<uint64_t> start_alter_seq_no;  // FL_COMMIT/ROLLBACK_ALTER_E1

  // A standalone group (DDL) has no terminating XID/COMMIT.
  bool standalone() const { return (flags2 & kMariaGtidStandalone) != 0; }
};
Result<MariaGtidEvent> ParseMariaGtid(Bytes body);

// GTID_LIST (163): count u32 (low 28 bits; high 4 bits are flags) then
// count x (domain_id u32, server_id u32, seq_no u64).
struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
};
struct MariaGtidListEvent {
  uint8_t flags = 0;  // the high 4 bits of the count word, shifted down
  std::vector<MariaGtid> gtids;
};
Result<MariaGtidListEvent> ParseMariaGtidList(Bytes body);

// BINLOG_CHECKPOINT (161): name length u32, then the name.
struct BinlogCheckpointEvent {
  std::string_view file;
};
Result<BinlogCheckpointEvent> ParseBinlogCheckpoint(Bytes body);

// ANNOTATE_ROWS (160): the statement behind the following row events.
struct AnnotateRowsEvent {
  std::string_view query;
};
Result<AnnotateRowsEvent> ParseAnnotateRows(Bytes body);

// START_ENCRYPTION (164): scheme u8 | key_version u32 | nonce[12]. Every
// event after it in the file is encrypted.
struct StartEncryptionEvent {
  uint8_t scheme = 0;
  uint32_t key_version = 0;
  std::array<uint8_t, 12> nonce{};
};
Result<StartEncryptionEvent> ParseStartEncryption(Bytes body);

}  // namespace osc::binlog
