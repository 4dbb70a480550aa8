// Result<T>: a value of type T, or the Status that explains why there is none.
//
// Used as the return type at module boundaries instead of exceptions.
//   Result<int> r = Parse(...);
//   if (!r.ok()) return r.status();
//   Use(*r);
// Accessing the value of a failed Result is a programming error (asserted in
// debug builds).
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "common/status.h"

namespace osc {

template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<T, Status>, "use Status directly");

  Result(const T& value) : value_(value) {}                 // NOLINT: implicit by design
  Result(T&& value) : value_(std::move(value)) {}           // NOLINT
  Result(Status status) : status_(std::move(status)) {      // NOLINT
    assert(!status_.ok() && "a Result built from a Status must carry an error");
    if (status_.ok()) status_ = Status::Internal("Result constructed from OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& { return ok() ? *value_ : static_cast<T>(std::forward<U>(fallback)); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace osc

#define OSC_CONCAT_INNER_(a, b) a##b
#define OSC_CONCAT_(a, b) OSC_CONCAT_INNER_(a, b)
// OSC_ASSIGN_OR_RETURN(auto x, Foo()); returns Foo()'s Status on error.
#define OSC_ASSIGN_OR_RETURN(lhs, expr) \
  OSC_ASSIGN_OR_RETURN_IMPL_(OSC_CONCAT_(osc_result_, __LINE__), lhs, expr)
#define OSC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
