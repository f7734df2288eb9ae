#include "Report.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace rl4real {
namespace {

/// Length of the valid UTF-8 sequence at S[I], or 0 if there is none.
size_t utf8Length(const std::string &S, size_t I) {
  auto Byte = [&](size_t K) { return K < S.size() ? (unsigned char)S[K] : 0u; };
  unsigned C = Byte(I);
  size_t Len = C >= 0xF0 && C <= 0xF4 ? 4 : C >= 0xE0 ? 3 : C >= 0xC2 && C < 0xE0 ? 2 : 0;
  if (C >= 0xF5 || Len == 0)
    return 0;
  for (size_t K = 1; K < Len; ++K)
    if ((Byte(I + K) & 0xC0) != 0x80)
      return 0;
  unsigned C1 = Byte(I + 1); // overlong forms, surrogates, past U+10FFFF
  if ((C == 0xE0 && C1 < 0xA0) || (C == 0xED && C1 >= 0xA0) || (C == 0xF0 && C1 < 0x90) ||
      (C == 0xF4 && C1 >= 0x90))
    return 0;
  return Len;
}

/// A JSON string of S's bytes. Valid UTF-8 stays as it is; any other byte B becomes the escape
/// \uDCxx (B's value), as Python's "surrogateescape" decodes it: json.loads, then
/// .encode("utf-8", "surrogateescape"), gives the original bytes back.
std::string quote(const std::string &S) {
  std::string R = "\"";
  for (size_t I = 0; I < S.size(); ++I) {
    unsigned char C = S[I];
    if (C >= 0x80) {
      if (size_t Len = utf8Length(S, I)) {
        R.append(S, I, Len);
        I += Len - 1;
      } else {
        char Buf[8];
        std::snprintf(Buf, sizeof Buf, "\\udc%02x", C);
        R += Buf;
      }
      continue;
    }
    switch (C) {
    case '"': R += "\\\""; break;
    case '\\': R += "\\\\"; break;
    case '\n': R += "\\n"; break;
    case '\t': R += "\\t"; break;
    default:
      if (C < 0x20 || C == 0x7f) {
        char Buf[8];
        std::snprintf(Buf, sizeof Buf, "\\u%04x", C);
        R += Buf;
      } else {
        R += char(C);
      }
    }
  }
  return R + "\"";
}

std::string number(double D) {
  char Buf[32];
  std::snprintf(Buf, sizeof Buf, "%.6g", std::isfinite(D) ? D : 0.0);
  return Buf;
}

} // namespace

int64_t FunctionRecord::refusedTotal() const {
  int64_t T = 0;
  for (int I = 1; I < spec::NumRefusals; ++I)
    T += Refused[I];
  return T;
}

std::string FunctionRecord::toJson() const {
  // Keys and their order come from the spec (spec.REPORT); a field the spec has and this
  // function does not fill would leave an empty value, and every report test would fail.
  auto Int = [](int64_t V) { return std::to_string(V); };
  auto Reason = [](const std::string &S) { return S.empty() ? std::string("null") : quote(S); };
  std::string Refusals = "{";
  for (int I = 1; I < spec::NumRefusals; ++I)
    if (Refused[I])
      Refusals += (Refusals.size() > 1 ? ", " : "") + quote(spec::RefusalNames[I]) + ": " +
                  Int(Refused[I]);
  Refusals += "}";
  std::string V[spec::NumReportFields];
  V[spec::F_function] = quote(Function);
  V[spec::F_file] = quote(File);
  V[spec::F_target] = quote(Target);
  V[spec::F_reg_classes] = quote(RegClasses);
  V[spec::F_allocator] = quote(PolicyRan ? "rl4real" : "stock");
  V[spec::F_score] = number(Score);
  V[spec::F_est_cost] = number(EstCost);
  V[spec::F_copies] = Int(Copies);
  V[spec::F_spills] = Int(Spills);
  V[spec::F_reloads] = Int(Reloads);
  V[spec::F_nodes] = Int(Nodes);
  V[spec::F_edges] = Int(Edges);
  V[spec::F_assigned] = Int(Assigned);
  V[spec::F_assigned_by_policy] = Int(AssignedByPolicy);
  V[spec::F_evicted] = Int(AssignedByPolicy - Assigned);
  V[spec::F_refused] = Int(refusedTotal());
  V[spec::F_refusals] = Refusals;
  V[spec::F_split] = Int(Split);
  V[spec::F_left_to_greedy] = Int(LeftToGreedy);
  V[spec::F_decisions] = Int(Decisions);
  V[spec::F_advised] = Int(Advised);
  V[spec::F_priority_calls] = Int(PriorityCalls);
  V[spec::F_priorities_changed] = Int(PrioritiesChanged);
  V[spec::F_eviction_calls] = Int(EvictionCalls);
  V[spec::F_evictions_vetoed] = Int(EvictionsVetoed);
  V[spec::F_policy_ms] = number(PolicyMs);
  V[spec::F_pass_ms] = number(PassMs);
  V[spec::F_fallback] = Reason(Fallback);
  V[spec::F_degraded] = Reason(Degraded);
  std::string J = "{";
  for (int F = 0; F < spec::NumReportFields; ++F)
    J += (F ? ", " : "") + quote(spec::ReportFieldNames[F]) + ": " + V[F];
  return J + "}";
}

bool appendLine(const std::string &Path, const std::string &Line, std::string &Err) {
  int Fd = ::open(Path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (Fd < 0) {
    Err = std::strerror(errno);
    return false;
  }
  std::string Data = Line + "\n";
  ::flock(Fd, LOCK_EX);
  bool Ok = ::write(Fd, Data.data(), Data.size()) == ssize_t(Data.size());
  if (!Ok)
    Err = std::strerror(errno);
  ::flock(Fd, LOCK_UN);
  ::close(Fd);
  return Ok;
}

} // namespace rl4real
