#include "Diagnostics.h"

#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"

using namespace llvm;

namespace rl4real {
namespace {

void emit(const MachineFunction &MF, const std::string &Msg, DiagnosticSeverity Severity) {
  std::string Text = "rl4real: " + Msg;
  MF.getFunction().getContext().diagnose(DiagnosticInfoGeneric(Text, Severity));
}

} // namespace

void reportWarning(const MachineFunction &MF, const std::string &Msg) {
  emit(MF, Msg, DS_Warning);
}

void policyFault(const MachineFunction &MF, const std::string &Cause, bool Strict) {
  std::string Where = "policy failed on function '" + MF.getName().str() + "': " + Cause;
  if (Strict)
    emit(MF, Where + " (strict mode)", DS_Error);
  else
    emit(MF, Where + "; greedy allocates this function", DS_Warning);
}

} // namespace rl4real
