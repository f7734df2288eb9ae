// The passes that read the function after the policy and greedy: which assignments greedy kept,
// the allocation score (after rewriting), and the estimated run cost with the report line (at
// the end of codegen).
#include "MLRAPass.h"

#include "Diagnostics.h"
#include "Options.h"
#include "Records.h"
#include "Score.h"

#include "llvm/CodeGen/MachineBlockFrequencyInfo.h"
#include "llvm/CodeGen/MachineRegisterInfo.h"
#include "llvm/CodeGen/VirtRegMap.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <atomic>

using namespace llvm;

namespace rl4real {

char KeptCheckPass::ID = 0;

void KeptCheckPass::getAnalysisUsage(AnalysisUsage &AU) const {
  AU.setPreservesAll();
  AU.addRequired<VirtRegMapWrapperLegacy>();
  MachineFunctionPass::getAnalysisUsage(AU);
}

bool KeptCheckPass::runOnMachineFunction(MachineFunction &MF) {
  PendingFunction *P = findPending(MF);
  if (!P)
    return false;
  auto &VRM = getAnalysis<VirtRegMapWrapperLegacy>().getVRM();
  int64_t Kept = 0;
  for (auto [Reg, Phys] : P->Assignments)
    Kept += VRM.hasPhys(Reg) && VRM.getPhys(Reg) == Phys;
  P->Record.Assigned = Kept;
  return false;
}

char ReportPass::ID = 0;

/// The MLRA pass was inserted but did not run before greedy: the pass it follows is not in this
/// pipeline (a target that changed its pipeline, or llc -start-after past it). Greedy allocated
/// alone; said once per process (an error in strict mode), never silently.
static void notRun(const MachineFunction &MF) {
  if (options::getBool(options::Strict))
    return reportError(MF, "the MLRA pass did not run before greedy (strict mode)");
  static std::atomic<bool> Said{false};
  if (!Said.exchange(true))
    errs() << "warning: rl4real: the MLRA pass did not run before greedy in function '"
           << MF.getName() << "': the pass it follows is not in this compile's pipeline, so "
           << "greedy allocated alone\n";
}

void ReportPass::getAnalysisUsage(AnalysisUsage &AU) const {
  AU.setPreservesAll();
  if (!options::get(options::Report).empty()) // scoring needs block frequencies
    AU.addRequired<MachineBlockFrequencyInfoWrapperPass>();
  MachineFunctionPass::getAnalysisUsage(AU);
}

bool ReportPass::runOnMachineFunction(MachineFunction &MF) {
  // A rewriter that keeps virtual registers (RISC-V's, after its vector run) is not the last:
  // the function is scored once, after the final one.
  if (MF.getRegInfo().getNumVirtRegs())
    return false;
  PendingFunction *P = findPending(MF);
  if (!P && mlraInserted() && !MF.getFunction().hasOptNone())
    notRun(MF);
  if (options::get(options::Report).empty()) {
    PendingFunction Done; // nothing to report: the record ends here
    takePending(MF, Done);
    return false;
  }
  if (!P) { // RL allocation off: a stock allocator's function, scored only
    P = &startPending(MF);
    P->Record.Function = MF.getName().str();
    P->Record.File = MF.getFunction().getParent()->getSourceFileName();
    P->Record.Target = MF.getTarget().getTargetTriple().str();
    if (rlRequested() && !targetSupported(MF.getTarget().getTargetTriple()))
      P->Record.Fallback = "unsupported_target";
  }
  AllocationScore S =
      scoreFunction(MF, getAnalysis<MachineBlockFrequencyInfoWrapperPass>().getMBFI());
  P->Record.Score = S.Score;
  P->Record.Copies = S.Copies;
  P->Record.Spills = S.Spills;
  P->Record.Reloads = S.Reloads;
  return false;
}

char CostReportPass::ID = 0;

void CostReportPass::getAnalysisUsage(AnalysisUsage &AU) const {
  AU.setPreservesAll();
  AU.addRequired<MachineBlockFrequencyInfoWrapperPass>();
  MachineFunctionPass::getAnalysisUsage(AU);
}

bool CostReportPass::runOnMachineFunction(MachineFunction &MF) {
  PendingFunction P;
  std::string Path = options::get(options::Report);
  if (Path.empty() || !takePending(MF, P))
    return false;
  P.Record.EstCost =
      estimatedCost(MF, getAnalysis<MachineBlockFrequencyInfoWrapperPass>().getMBFI());
  std::string Err;
  if (!appendLine(Path, P.Record.toJson(), Err))
    reportWarning(MF, "cannot write report '" + Path + "': " + Err);
  return false;
}

} // namespace rl4real
