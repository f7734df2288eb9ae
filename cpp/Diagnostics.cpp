#include "Diagnostics.h"

#include "Options.h"

#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"

#include <atomic>
#include <map>
#include <mutex>

using namespace llvm;

namespace rl4real {
namespace {

void emit(const MachineFunction &MF, const std::string &Msg, DiagnosticSeverity Severity) {
  std::string Text = "rl4real: " + Msg;
  MF.getFunction().getContext().diagnose(DiagnosticInfoGeneric(Text, Severity));
}

std::mutex BreakerLock; // codegen threads (ThinLTO) share the breaker
std::map<std::string, int> FaultsByCause;
int Faults = 0;
std::atomic<bool> SwitchedOff{false};

/// The kind of fault, for the summary: the exception's type ("RuntimeError: ..."), else the
/// whole cause.
std::string causeKind(const std::string &Cause) {
  size_t Colon = Cause.find(": ");
  std::string Head = Cause.substr(0, Colon);
  if (Colon != std::string::npos && Head.find(' ') == std::string::npos)
    return Head;
  return Cause.substr(0, 80);
}

} // namespace

void reportWarning(const MachineFunction &MF, const std::string &Msg) {
  emit(MF, Msg, DS_Warning);
}

void reportError(const MachineFunction &MF, const std::string &Msg) { emit(MF, Msg, DS_Error); }

bool policySwitchedOff() { return SwitchedOff; }

void policyFault(const MachineFunction &MF, const std::string &Cause, bool Fatal, bool Strict) {
  std::string Where = "policy failed on function '" + MF.getName().str() + "': " + Cause;
  if (Strict) {
    emit(MF, Where + " (strict mode)", DS_Error);
    return;
  }
  std::lock_guard<std::mutex> L(BreakerLock);
  ++Faults;
  ++FaultsByCause[causeKind(Cause)];
  if (Fatal) {
    SwitchedOff = true;
    emit(MF, Where + "; the policy is not called again in this process: greedy allocates this "
                     "and every later function",
         DS_Warning);
    return;
  }
  emit(MF, Where + "; greedy allocates this function", DS_Warning);
  int64_t Max = options::getInt(options::MaxFaults);
  if (Max <= 0 || Faults < Max || SwitchedOff)
    return;
  SwitchedOff = true;
  std::string Counts;
  for (const auto &[Kind, N] : FaultsByCause)
    Counts += (Counts.empty() ? "" : ", ") + Kind + " x" + std::to_string(N);
  emit(MF, "the policy failed on " + std::to_string(Faults) + " functions (" + Counts +
               "): it is switched off for the rest of this process and greedy allocates every "
               "later function (max-faults=" + std::to_string(Max) + ")",
       DS_Warning);
}

} // namespace rl4real
