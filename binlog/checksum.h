// CRC32 trailer of binlog events (binlog_checksum=CRC32).
//
// The trailer is the little-endian CRC-32 (ISO-HDLC polynomial, as zlib's
// crc32()) of every byte of the event before it, header included. One
// exception, from the servers' own verifier (MySQL binlog_event.cpp
// Log_event_footer::event_checksum_test, MariaDB log_event.cc
// event_checksum_test): a FORMAT_DESCRIPTION event is checksummed with the
// LOG_EVENT_BINLOG_IN_USE_F bit of its flags cleared. The server sets that
// bit in the FDE while the file is open and clears it in place at close
// without rewriting the CRC, so a file copied from a running (or crashed)
// server has the bit set and a CRC computed without it.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/status.h"

namespace osc::binlog {

// zlib crc32() of `data`, continuing from `crc` (0 to start).
uint32_t Crc32(Bytes data, uint32_t crc = 0);

// The checksum a server would write for `event_without_trailer` (header +
// body, no trailer), applying the FORMAT_DESCRIPTION rule above.
// `event_without_trailer` must hold at least the 19-byte header.
uint32_t ComputeEventChecksum(Bytes event_without_trailer);

// Verifies the last 4 bytes of `event` against the rest. `offset` only names
// the event's position in the error. kCorruption if the event is shorter
// than header + trailer or the checksum does not match.
Status VerifyEventChecksum(Bytes event, uint64_t offset);

}  // namespace osc::binlog
