// Changing a running copy's chunk size and thread count (Copier::
// SetChunkSize / SetThreads, the control socket's chunk-size=N and
// threads=N) against the sandbox: the copier follows, and the shadow still
// equals a directly altered copy afterwards.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "tests/integration/copy_live_util.h"

namespace osc::copy::testing {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kRows = 50000;

// A gate that lets through as many workers as it was allowed (or all, once
// opened) and holds the others, counting them. Honours the stop token.
class CountingGate {
 public:
  Status Wait(std::stop_token stop) {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    cv_.notify_all();
    const bool passed = cv_.wait(lock, stop, [this] { return open_ || allowed_ > 0; });
    --waiting_;
    cv_.notify_all();
    if (!passed) return Status::Aborted("gate: stopped");
    if (!open_) --allowed_;
    return Status::Ok();
  }
  void Allow(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    allowed_ += n;
    cv_.notify_all();
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Waits (up to 30 s) until exactly `n` workers are held and every
  // allowed pass was taken.
  bool AwaitHeld(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return waiting_ == n && allowed_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  int waiting_ = 0;
  int allowed_ = 0;
  bool open_ = false;
};

// Polls `done` every millisecond for up to 30 s.
template <typename Pred>
bool Eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class CopyLiveTuningTest : public CopyLiveTest {
 protected:
  Prepared MakeTable(const std::string& table) {
    CreateTable(table, "(id INT NOT NULL PRIMARY KEY, v VARCHAR(40), w INT) ENGINE=InnoDB",
                "INSERT INTO " + Q(table) + " SELECT n, CONCAT('v', n), n * 3 FROM " + Numbers(kRows));
    Prepared p = Prepare(table, "ADD COLUMN x INT NULL");
    const Status direct = DirectAlter(p, "ADD COLUMN x INT NULL");
    EXPECT_TRUE(direct.ok()) << direct.ToString();
    return p;
  }
};

TEST_F(CopyLiveTuningTest, ChunkSizeAndThreadsFollowTheOperatorDuringACopy) {
  const Prepared p = MakeTable("tuned");
  CountingGate gate;
  CopierConfig config = CopyConfig(p, 1, 200);
  config.gate = [&gate](std::stop_token stop) { return gate.Wait(stop); };
  Copier copier(config);
  std::optional<Status> result;
  std::jthread run([&] { result = copier.Run(std::stop_token()); });

  // One worker, held before its first chunk.
  ASSERT_TRUE(gate.AwaitHeld(1));
  EXPECT_EQ(copier.progress().threads, 1);
  EXPECT_EQ(copier.progress().active_threads, 1);
  gate.Allow(2);
  ASSERT_TRUE(gate.AwaitHeld(1));
  ASSERT_TRUE(Eventually([&] { return copier.progress().chunks_copied == 2; }));

  // A chunk size set while no chunk is in flight sizes the next chunk (the
  // ids are dense, so a chunk of n rows inserts n rows).
  EXPECT_EQ(copier.SetChunkSize(10), 100u);  // clamped to min_chunk_size
  EXPECT_EQ(copier.SetChunkSize(150), 150u);
  EXPECT_EQ(copier.progress().chunk_size, 150u);
  const uint64_t rows_before = copier.progress().rows_copied;
  gate.Allow(1);
  ASSERT_TRUE(gate.AwaitHeld(1));
  ASSERT_TRUE(Eventually([&] { return copier.progress().chunks_copied == 3; }));
  EXPECT_EQ(copier.progress().rows_copied - rows_before, 150u);

  // More threads start at once: three new workers reach the gate.
  EXPECT_EQ(copier.SetThreads(4), 4);
  ASSERT_TRUE(gate.AwaitHeld(4));
  EXPECT_EQ(copier.progress().threads, 4);
  EXPECT_EQ(copier.progress().active_threads, 4);
  gate.Allow(8);
  ASSERT_TRUE(gate.AwaitHeld(4));
  ASSERT_TRUE(Eventually([&] { return copier.progress().chunks_copied == 11; }));

  // Fewer threads: the surplus workers leave before taking a chunk.
  EXPECT_EQ(copier.SetThreads(1), 1);
  gate.Allow(3);
  ASSERT_TRUE(Eventually([&] { return copier.progress().active_threads == 1; }));
  ASSERT_TRUE(gate.AwaitHeld(1));
  EXPECT_EQ(copier.progress().chunks_copied, 11u);

  EXPECT_EQ(copier.SetChunkSize(5000), 5000u);
  gate.Open();
  run.join();
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(result->ok()) << result->ToString();
  const CopyProgress done = copier.progress();
  EXPECT_EQ(done.active_threads, 0);
  EXPECT_EQ(done.threads, 1);
  EXPECT_EQ(done.rows_copied, kRows);
  EXPECT_TRUE(copier.checkpoint().complete);
  ExpectShadowEqualsDirect(p);
}

TEST_F(CopyLiveTuningTest, ThreadsChangingUnderLoadStillCopyEveryRowOnce) {
  const Prepared p = MakeTable("churned");
  CopierConfig config = CopyConfig(p, 2, 300);
  config.options.max_chunk_size = 600;  // many chunks, so the changes land mid-copy
  Copier copier(config);
  std::optional<Status> result;
  std::atomic<bool> finished{false};
  std::jthread run([&] {
    result = copier.Run(std::stop_token());
    finished = true;
  });
  int max_active = 0;
  for (int i = 0; !finished; ++i) {
    copier.SetThreads(1 + (i * 5) % 7);
    if (i % 3 == 0) copier.SetChunkSize(100 + static_cast<uint64_t>(i % 5) * 100);
    max_active = std::max(max_active, copier.progress().active_threads);
    std::this_thread::sleep_for(3ms);
  }
  run.join();
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(result->ok()) << result->ToString();
  EXPECT_GT(max_active, 2);  // the extra workers did start
  EXPECT_EQ(copier.progress().active_threads, 0);
  EXPECT_EQ(copier.progress().rows_copied, kRows);
  EXPECT_TRUE(copier.checkpoint().complete);
  ExpectShadowEqualsDirect(p);
}

}  // namespace
}  // namespace osc::copy::testing
