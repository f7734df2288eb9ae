// The passes the plugin inserts into the codegen pipeline.
#pragma once

#include "llvm/CodeGen/MachineFunctionPass.h"

namespace llvm {
class Triple;
}

namespace rl4real {

/// RL allocation is asked for: on, and no allocator chosen on the command line.
bool rlRequested();
/// A target the plugin allocates for (others are left to stock LLVM).
bool targetSupported(const llvm::Triple &T);
/// This process's pipeline was given the MLRA pass (set by the pass-config callback).
bool mlraInserted();

/// Runs right before greedy: builds the interference graph, lets the policy assign registers
/// through LiveRegMatrix (shared with greedy), and leaves the rest to greedy.
class MLRAPass : public llvm::MachineFunctionPass {
public:
  static char ID;
  MLRAPass() : MachineFunctionPass(ID) {}
  llvm::StringRef getPassName() const override { return "rl4real ML register allocation"; }
  void getAnalysisUsage(llvm::AnalysisUsage &AU) const override;
  bool runOnMachineFunction(llvm::MachineFunction &MF) override;
};

/// Runs after each greedy instance: counts which policy assignments greedy kept.
class KeptCheckPass : public llvm::MachineFunctionPass {
public:
  static char ID;
  KeptCheckPass() : MachineFunctionPass(ID) {}
  llvm::StringRef getPassName() const override { return "rl4real kept-assignment check"; }
  void getAnalysisUsage(llvm::AnalysisUsage &AU) const override;
  bool runOnMachineFunction(llvm::MachineFunction &MF) override;
};

/// Runs after the virtual register rewriter: scores the allocation for the report line.
class ReportPass : public llvm::MachineFunctionPass {
public:
  static char ID;
  ReportPass() : MachineFunctionPass(ID) {}
  llvm::StringRef getPassName() const override { return "rl4real report"; }
  void getAnalysisUsage(llvm::AnalysisUsage &AU) const override;
  bool runOnMachineFunction(llvm::MachineFunction &MF) override;
};

/// Runs at the end of codegen, when the code is final: estimates the run cost and writes the
/// function's report line.
class CostReportPass : public llvm::MachineFunctionPass {
public:
  static char ID;
  CostReportPass() : MachineFunctionPass(ID) {}
  llvm::StringRef getPassName() const override { return "rl4real cost and report line"; }
  void getAnalysisUsage(llvm::AnalysisUsage &AU) const override;
  bool runOnMachineFunction(llvm::MachineFunction &MF) override;
};

} // namespace rl4real
