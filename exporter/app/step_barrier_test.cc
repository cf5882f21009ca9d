#include "exporter/app/step_barrier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace bam::exporter {
namespace {

// Records, at each snapshot, its boundary and the line times applied so far.
struct Recorder {
  std::mutex mu;
  std::vector<int64_t> applied;
  std::vector<std::pair<int64_t, std::vector<int64_t>>> snapshots;

  StepBarrier::Snapshot Callback() {
    return [this](int64_t boundary) {
      std::lock_guard<std::mutex> lock(mu);
      std::vector<int64_t> seen = applied;
      std::sort(seen.begin(), seen.end());
      snapshots.emplace_back(boundary, std::move(seen));
    };
  }
  void Apply(int64_t t) {
    std::lock_guard<std::mutex> lock(mu);
    applied.push_back(t);
  }
};

TEST(StepBarrierTest, OneSourceSnapshotsEveryBoundaryItCrosses) {
  Recorder r;
  StepBarrier barrier(1, 1000, r.Callback());
  for (int64_t t : {1500, 2500, 2600, 5100}) {
    barrier.Before(0, t);
    r.Apply(t);
  }
  barrier.Done(0);
  barrier.Finish();
  std::vector<std::pair<int64_t, std::vector<int64_t>>> want = {
      {1000, {}},
      {2000, {1500}},
      {3000, {1500, 2500, 2600}},
      {4000, {1500, 2500, 2600}},  // a gap in the log still gets its samples
      {5000, {1500, 2500, 2600}},
      {6000, {1500, 2500, 2600, 5100}},  // Finish: the boundary after the last line
  };
  EXPECT_EQ(r.snapshots, want);
  EXPECT_EQ(barrier.snapshots(), 6u);
  EXPECT_EQ(barrier.late_lines(), 0u);
}

TEST(StepBarrierTest, LineAtABoundaryBelongsToTheNextStep) {
  Recorder r;
  StepBarrier barrier(1, 1000, r.Callback());
  for (int64_t t : {1000, 1999, 2000}) {
    barrier.Before(0, t);
    r.Apply(t);
  }
  barrier.Done(0);
  barrier.Finish();
  std::vector<std::pair<int64_t, std::vector<int64_t>>> want = {
      {1000, {}}, {2000, {1000, 1999}}, {3000, {1000, 1999, 2000}}};
  EXPECT_EQ(r.snapshots, want);
}

TEST(StepBarrierTest, SourcesOnThreadsMeetAtEveryBoundary) {
  const std::vector<std::vector<int64_t>> sources = {
      {100, 1100, 1200, 2100, 7000}, {50, 1050, 3050}, {}, {2999, 3000, 3001}};
  for (int round = 0; round < 20; ++round) {  // different interleavings, same answer
    Recorder r;
    StepBarrier barrier(static_cast<int>(sources.size()), 1000, r.Callback());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sources.size(); ++i) {
      threads.emplace_back([&, i] {
        for (int64_t t : sources[i]) {
          barrier.Before(static_cast<int>(i), t);
          r.Apply(t);
        }
        barrier.Done(static_cast<int>(i));
      });
    }
    for (auto& t : threads) t.join();
    barrier.Finish();
    std::vector<int64_t> all;
    for (const auto& s : sources) all.insert(all.end(), s.begin(), s.end());
    std::sort(all.begin(), all.end());
    ASSERT_EQ(r.snapshots.size(), 9u);  // 0, 1000, ..., 7000 and 8000 at Finish
    for (size_t k = 0; k < r.snapshots.size(); ++k) {
      const auto& [boundary, seen] = r.snapshots[k];
      EXPECT_EQ(boundary, static_cast<int64_t>(k) * 1000);
      std::vector<int64_t> before;
      for (int64_t t : all) {
        if (t < boundary) before.push_back(t);
      }
      EXPECT_EQ(seen, before) << "boundary " << boundary;
    }
    EXPECT_EQ(barrier.late_lines(), 0u);
  }
}

TEST(StepBarrierTest, LineOlderThanTheLastSnapshotIsLateAndCountedNext) {
  Recorder r;
  StepBarrier barrier(1, 1000, r.Callback());
  for (int64_t t : {2500, 3500, 1200}) {
    barrier.Before(0, t);
    r.Apply(t);
  }
  barrier.Done(0);
  barrier.Finish();
  EXPECT_EQ(barrier.late_lines(), 1u);
  ASSERT_FALSE(r.snapshots.empty());
  EXPECT_EQ(r.snapshots.back(),
            (std::pair<int64_t, std::vector<int64_t>>{4000, {1200, 2500, 3500}}));
}

TEST(StepBarrierTest, NoLinesNoSnapshot) {
  Recorder r;
  StepBarrier barrier(2, 60000, r.Callback());
  barrier.Done(0);
  barrier.Done(1);
  barrier.Finish();
  EXPECT_TRUE(r.snapshots.empty());
  EXPECT_EQ(barrier.snapshots(), 0u);
}

}  // namespace
}  // namespace bam::exporter
