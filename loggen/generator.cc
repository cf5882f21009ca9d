#include "loggen/generator.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "loggen/civil_time.h"
#include "loggen/curves.h"
#include "loggen/rng.h"

namespace bam::loggen {
namespace {

constexpr double kRegionCum[kRegionCount] = {0.42, 0.72, 0.88, 1.0};
constexpr double kNewVisitorShare = 0.30;
constexpr uint64_t kBotIndexBase = uint64_t{1} << 40;

bool Accounted(EventKind kind) {
  return kind == EventKind::kCheckoutSuccess || kind == EventKind::kOrderCreated ||
         kind == EventKind::kOrderCancelled;
}

void InWindow(const std::vector<Event>& events, const Incident& inc,
              std::vector<const Event*>* out) {
  out->clear();
  for (const Event& e : events) {
    if (e.ts_ms >= inc.start_ms && e.ts_ms < inc.end_ms) out->push_back(&e);
  }
}

}  // namespace

Generator::Generator(GeneratorOptions options, Output* out)
    : options_(std::move(options)),
      out_(out),
      scenarios_(options_.incidents),
      writer_(options_.format),
      truth_(options_.incidents) {
  buffer_.reserve(options_.flush_bytes + 4096);
  const uint64_t initial = std::max<uint64_t>(100, options_.initial_customers);
  has_ordered_.assign(initial + 1, true);  // existing customers have ordered before
  for (uint64_t u = 1; u <= initial; ++u) registered_.push_back(u);
  next_user_ = initial + 1;
  end_ms_ = options_.duration_ms >= 0 ? options_.start_ms + options_.duration_ms : INT64_MAX;
  for (const Incident& inc : options_.incidents) {
    if (inc.kind != ScenarioKind::kDeployment) continue;
    Event d;
    d.ts_ms = inc.start_ms;
    d.kind = EventKind::kDeployment;
    d.code = 0;  // search-service
    d.product =
        static_cast<uint32_t>(DeriveKey(options_.seed, static_cast<uint64_t>(inc.start_ms)) % 3000);
    Push(d);
  }
}

void Generator::Push(Event e) {
  e.seq = next_seq_++;
  queue_.push(e);
}

void Generator::ScheduleDeployments(int64_t until_ms) {
  if (next_day_ms_ == 0) next_day_ms_ = (options_.start_ms - kBackfillWarmupMs) / kDayMs * kDayMs;
  while (next_day_ms_ <= until_ms) {
    Stream s(DeriveKey(DeriveKey(options_.seed, 3), static_cast<uint64_t>(next_day_ms_ / kDayMs)));
    if (DayOfWeek(next_day_ms_) < 5) {
      const uint64_t n = s.Below(3);
      for (uint64_t i = 0; i < n; ++i) {
        Event d;
        d.ts_ms = next_day_ms_ + 9 * kHourMs + static_cast<int64_t>(s.Below(8 * kHourMs));
        d.kind = EventKind::kDeployment;
        d.code = static_cast<uint8_t>(s.Below(kServiceCount));
        d.region = static_cast<uint8_t>(s.Below(kRegionCount));
        d.product = static_cast<uint32_t>(s.Below(3000));
        Push(d);
      }
    }
    next_day_ms_ += kDayMs;
  }
}

void Generator::StartSession(int64_t start_ms) {
  const uint64_t index = next_session_++;
  const uint64_t key = DeriveKey(DeriveKey(options_.seed, 1), index);
  Stream s(DeriveKey(key, 100));
  const double u_new = s.Uniform(), u_platform = s.Uniform(), u_region = s.Uniform();
  const double u_keep = s.Uniform(), u_fraud = s.Uniform();
  const uint64_t pick = s.Next();

  SessionInput in;
  in.key = key;
  in.index = index;
  in.start_ms = start_ms;
  in.platform = u_platform < MobileShare(start_ms) ? 1 : 0;
  in.region = 0;
  while (in.region < kRegionCount - 1 && u_region >= kRegionCum[in.region]) ++in.region;
  in.new_visitor = u_new < kNewVisitorShare;
  if (in.new_visitor) {
    in.user = next_user_++;
    has_ordered_.push_back(false);
  } else {
    in.user = registered_[pick % registered_.size()];
  }
  in.has_ordered = has_ordered_[in.user];
  baseline_lines_ += Process(in, u_keep, &Effects::traffic_keep, true);

  // A card-testing bot rides along in the worlds where a fraud burst is on.
  SessionInput bot = in;
  bot.key = DeriveKey(key, 200);
  bot.index = kBotIndexBase + index;
  bot.start_ms = start_ms + static_cast<int64_t>(s.Below(60000));
  bot.platform = 0;
  bot.new_visitor = false;
  bot.has_ordered = false;
  bot.fraud = true;
  bot.user = 0;
  Process(bot, u_fraud, &Effects::fraud_session_ratio, false);
}

uint64_t Generator::Process(const SessionInput& input, double u, double Effects::*presence,
                            bool customer) {
  SessionInput in = input;
  scenarios_.Overlapping(in.start_ms, in.start_ms + kMaxSessionMs, &overlapping_);
  const double bar = scenarios_.At(in.start_ms).*presence;
  if (in.fraud && bar <= u && overlapping_.empty()) return 0;
  const bool exists = u < bar;
  if (in.fraud && in.user == 0) {
    bool anywhere = exists;
    for (int k : overlapping_) anywhere = anywhere || u < scenarios_.At(in.start_ms, k).*presence;
    if (!anywhere) return 0;
    in.user = next_user_++;
    has_ordered_.push_back(false);
  }
  actual_.clear();
  SessionResult result;
  if (exists) result = SimulateSession(in, scenarios_, ScenarioSet::kNoneSkipped, &actual_);
  if (customer && result.signed_up) registered_.push_back(in.user);
  if (customer && result.ordered) has_ordered_[in.user] = true;

  for (int k : overlapping_) {
    counterfactual_.clear();
    if (u < scenarios_.At(in.start_ms, k).*presence) {
      SimulateSession(in, scenarios_, k, &counterfactual_);
    }
    Account(k, in, customer);
  }

  uint64_t baseline = 0;
  const std::vector<Event>* base = &actual_;
  if (!overlapping_.empty()) {
    scratch_.clear();
    if (u < scenarios_.At(in.start_ms, ScenarioSet::kAllSkipped).*presence) {
      SimulateSession(in, scenarios_, ScenarioSet::kAllSkipped, &scratch_);
    }
    base = &scratch_;
  }
  for (const Event& e : *base) {
    if (e.ts_ms - in.start_ms < kRealtimeWarmupMs) ++baseline;
  }
  for (const Event& e : actual_) {
    if (e.ts_ms >= options_.start_ms && e.ts_ms < end_ms_) Push(e);
  }
  return baseline;
}

void Generator::Account(int k, const SessionInput& in, bool customer) {
  const Incident& inc = scenarios_.incidents()[k];
  std::vector<const Event*> a, c;
  InWindow(actual_, inc, &a);
  InWindow(counterfactual_, inc, &c);
  auto shadow = [&](const Event& e, Shadow kind) {
    if (e.ts_ms < options_.start_ms || e.ts_ms >= end_ms_) return;
    Event s = e;
    s.shadow = kind;
    s.incident = static_cast<uint8_t>(k);
    Push(s);
  };
  for (const Event* e : a) {
    if (Accounted(e->kind)) shadow(*e, Shadow::kActual);
  }
  for (const Event* e : c) {
    if (Accounted(e->kind)) shadow(*e, Shadow::kExpected);
  }
  if (!customer) return;
  size_t i = 0;
  while (i < a.size() && i < c.size() && SameLine(*a[i], *c[i])) ++i;
  if (i == a.size() && i == c.size()) return;
  Event marker;
  marker.ts_ms = i < a.size() && i < c.size() ? std::min(a[i]->ts_ms, c[i]->ts_ms)
                                              : (i < a.size() ? a[i]->ts_ms : c[i]->ts_ms);
  marker.user = in.user;
  shadow(marker, Shadow::kAffected);
}

Status Generator::EmitUntil(int64_t horizon_ms) {
  while (!queue_.empty() && queue_.top().ts_ms < horizon_ms) {
    const Event& e = queue_.top();
    if (e.ts_ms >= options_.start_ms && e.ts_ms < end_ms_) {
      if (e.shadow != Shadow::kNone) {
        truth_.Shadow(e);
      } else {
        writer_.Append(e, &buffer_);
        truth_.Count(e);
      }
    }
    queue_.pop();
    if (buffer_.size() >= options_.flush_bytes) {
      if (Status s = Flush(); !s.ok()) return s;
    }
  }
  return Status();
}

Status Generator::Flush() {
  if (buffer_.empty()) return Status();
  Status s = out_->Write(buffer_);
  buffer_.clear();
  return s;
}

Status Generator::RunBackfill() {
  const int64_t begin = options_.start_ms - kBackfillWarmupMs;
  const double per_minute = kSessionsPerDay * options_.scale / (24 * 60);
  const uint64_t arrivals = DeriveKey(options_.seed, 2);
  std::vector<int64_t> starts;
  for (int64_t t = begin; t < end_ms_; t += kMinuteMs) {
    ScheduleDeployments(t + kMinuteMs);
    Stream s(DeriveKey(arrivals, static_cast<uint64_t>(t / kMinuteMs)));
    const uint64_t n = s.Poisson(per_minute * TrafficFactor(t + kMinuteMs / 2));
    starts.clear();
    for (uint64_t i = 0; i < n; ++i) starts.push_back(t + static_cast<int64_t>(s.Below(kMinuteMs)));
    std::sort(starts.begin(), starts.end());
    for (int64_t start : starts) StartSession(start);
    if (Status st = EmitUntil(t); !st.ok()) return st;
  }
  if (Status st = EmitUntil(end_ms_); !st.ok()) return st;
  if (Status st = Flush(); !st.ok()) return st;
  return out_->Close();
}

Status Generator::RunRealtime(const std::atomic<bool>* stop, RealtimeStats* stats) {
  constexpr int64_t kTickMs = 10;
  const int64_t begin = options_.start_ms - kRealtimeWarmupMs;
  const uint64_t arrivals = DeriveKey(options_.seed, 2);
  int64_t generated_until = begin;
  // Sessions start until the baseline lines reach rate * elapsed simulated time.
  auto generate = [&](int64_t until) {
    ScheduleDeployments(until);
    for (; generated_until < until; generated_until += kTickMs) {
      Stream s(DeriveKey(arrivals, static_cast<uint64_t>(generated_until / kTickMs)));
      const double target =
          options_.rate * static_cast<double>(generated_until + kTickMs - begin) / 1000.0;
      while (static_cast<double>(baseline_lines_) < target) {
        StartSession(generated_until + static_cast<int64_t>(s.Below(kTickMs)));
      }
    }
  };
  generate(options_.start_ms);
  if (Status st = EmitUntil(options_.start_ms); !st.ok()) return st;

  // Line timestamps follow the wall clock: the warm-up took time, so catch up on the lines already
  // due (up to 10 s; a --start further in the past is replayed from now on, shifted).
  using Clock = std::chrono::steady_clock;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t behind_ms = std::min<int64_t>(now_ms - options_.start_ms, 10'000);
  const Clock::time_point loop_start = Clock::now();
  const Clock::time_point wall0 = loop_start - std::chrono::milliseconds(behind_ms);
  uint64_t lines0 = truth_.lines();
  double max_lag = 0;
  int64_t horizon = options_.start_ms;
  for (int64_t tick = 1; horizon < end_ms_; ++tick) {
    if (stop != nullptr && stop->load()) break;
    const Clock::time_point deadline = wall0 + std::chrono::milliseconds(tick * kTickMs);
    std::this_thread::sleep_until(deadline);
    if (deadline > loop_start) {
      max_lag = std::max(
          max_lag, std::chrono::duration<double, std::milli>(Clock::now() - deadline).count());
    }
    horizon = std::min(end_ms_, options_.start_ms + tick * kTickMs);
    generate(horizon);
    if (Status st = EmitUntil(horizon); !st.ok()) return st;
    if (Status st = Flush(); !st.ok()) return st;
  }
  end_ms_ = horizon;
  if (stats != nullptr) {
    stats->lines = truth_.lines() - lines0;
    stats->seconds = std::chrono::duration<double>(Clock::now() - wall0).count();
    stats->max_lag_ms = max_lag;
  }
  return out_->Close();
}

}  // namespace bam::loggen
