// Plugin entry: registers the passes and inserts them into every x86-64 codegen pipeline at -O1
// and above, unless the user switched rl4real off or picked an allocator explicitly.
#include "Advisors.h"
#include "Bridge.h"
#include "MLRAPass.h"
#include "Options.h"

#include "llvm/CodeGen/Passes.h"
#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/MachineFunctionPass.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/CodeGen/TargetPassConfig.h"
#include "llvm/Pass.h"
#include "llvm/PassRegistry.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/RegisterTargetPassConfigCallback.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <atomic>
#include <fstream>
#include <string>

using namespace llvm;
using namespace rl4real;

namespace {

RegisterPass<MLRAPass> RegMLRA("rl4real-mlra", "rl4real ML register allocation", false, false);
RegisterPass<KeptCheckPass> RegCheck("rl4real-check", "rl4real kept-assignment check", false,
                                     false);
RegisterPass<ReportPass> RegReport("rl4real-report", "rl4real report", false, false);
RegisterPass<CostReportPass> RegCostReport("rl4real-cost", "rl4real cost and report line", false,
                                           false);

/// Stands in for the plugin's passes when an option is invalid: reports it as one error of the
/// compile (through the diagnostic handler, so the compiler fails the usual way).
struct OptionsErrorPass : MachineFunctionPass {
  static char ID;
  OptionsErrorPass() : MachineFunctionPass(ID) {}
  StringRef getPassName() const override { return "rl4real invalid options"; }
  void getAnalysisUsage(AnalysisUsage &AU) const override {
    AU.setPreservesAll();
    MachineFunctionPass::getAnalysisUsage(AU);
  }
  bool runOnMachineFunction(MachineFunction &MF) override {
    static std::atomic<bool> Said{false};
    if (!Said.exchange(true))
      MF.getFunction().getContext().diagnose(
          DiagnosticInfoGeneric("rl4real: " + options::validate(), DS_Error));
    return false;
  }
};
char OptionsErrorPass::ID = 0;
RegisterPass<OptionsErrorPass> RegOptionsError("rl4real-options-error", "rl4real invalid options",
                                               false, false);

} // namespace

bool rl4real::rlRequested() {
  // -regalloc=greedy alone is stock greedy; with RL4ReAl's -mlra-inference it asks for RL.
  return options::getBool(options::Enable) &&
         (!options::userChoseRegAlloc() ||
          (options::getBool(options::MlraInference) && options::userChoseGreedy()));
}

static std::atomic<bool> MLRAInserted{false};

bool rl4real::mlraInserted() { return MLRAInserted; }

/// The targets RL allocation is tested on (AArch64 and RISC-V under qemu-user).
bool rl4real::targetSupported(const Triple &T) {
  return T.getArch() == Triple::x86_64 || T.getArch() == Triple::aarch64 ||
         T.getArch() == Triple::riscv64;
}

namespace {

/// The pass the MLRA pass follows: the last one before the greedy run that allocates the general
/// registers, after which nothing touches the code or recomputes LiveIntervals/VirtRegMap
/// (inserted earlier, its assignments would be lost, or left pointing at deleted intervals).
/// Null when that pass cannot be found.
///
/// - x86-64: the machine scheduler. An AMX-tile greedy run comes first, but it returns at once
///   without tiles, and the graph skips tile classes.
/// - AArch64: its post-coalescer, which follows the scheduler and rewrites the copies around SME
///   streaming-mode changes.
/// - RISC-V: vector registers get a greedy run of their own first, are rewritten, then vsetvli is
///   inserted and dead definitions removed, and VirtRegMap and LiveRegMatrix are recomputed for
///   the scalar run: the MLRA pass goes after the last of those, and the vector run stays greedy's.
const void *placeAfter(const Triple &T) {
  StringRef Name;
  if (T.isAArch64()) {
    Name = "aarch64-post-coalescer-pass";
  } else if (T.isRISCV()) {
    // LLVM 22's RISC-V option is a cl::opt<bool>, on by default (tests/lit/riscv64.test checks
    // both settings, so a change of its type or name in a later LLVM shows there).
    auto &Options = cl::getRegisteredOptions();
    auto It = Options.find("riscv-enable-dead-defs");
    bool DeadDefs = It == Options.end() || static_cast<cl::opt<bool> *>(It->second)->getValue();
    Name = DeadDefs ? "riscv-dead-defs" : "riscv-insert-vsetvli";
  } else {
    return &MachineSchedulerID;
  }
  const PassInfo *Last = PassRegistry::getPassRegistry()->getPassInfo(Name); // by name
  return Last ? Last->getTypeInfo() : nullptr;
}

void configure(TargetMachine &TM, PassManagerBase &PM, TargetPassConfig *PC) {
  if (!PC || TM.getOptLevel() == CodeGenOptLevel::None)
    return;
  // Another target: the plugin stays out (its report lines say so, unsupported_target).
  bool Supported = targetSupported(TM.getTargetTriple());
  // A typo in a build's environment must not pass silently: the compile fails with one error
  // (and is otherwise stock).
  if (Supported && !options::validate().empty()) {
    PC->insertPass(&MachineSchedulerID, &OptionsErrorPass::ID);
    return;
  }
  // With a report file, every allocator's functions are scored (benchmarks compare greedy, basic
  // and PBQP through the same code); the report passes only read the function.
  bool RL = Supported && rlRequested();
  if (RL || !options::get(options::Report).empty())
    PC->insertPass(&VirtRegRewriterID, &ReportPass::ID);
  // After the last machine pass every pipeline runs before emission: the code is final there.
  if (!options::get(options::Report).empty())
    PC->insertPass(&StackMapLivenessID, &CostReportPass::ID);
  if (!RL)
    return;
  // The pass before greedy may be replaced by the target, or not be found by name: the MLRA
  // pass then has no safe place, and greedy allocates alone.
  const void *After = placeAfter(TM.getTargetTriple());
  if (!After || PC->isPassSubstitutedOrOverridden(After)) {
    errs() << "warning: rl4real: cannot place the MLRA pass right before greedy on this target; "
              "RL register allocation is off for this compile\n";
    if (options::getBool(options::Strict))
      report_fatal_error("rl4real: cannot place the MLRA pass (strict mode)", false);
    return;
  }
  PC->insertPass(After, &MLRAPass::ID);
  MLRAInserted = true; // the report pass checks that it ran: insertPass after a pass the
                       // pipeline never adds adds nothing, and says nothing
  PC->insertPass(&RAGreedyLegacyID, &KeptCheckPass::ID);
  addAdvisors(PM); // greedy takes the policy's advice (session.advise) through these
}

RegisterTargetPassConfigCallback Callback(configure);

/// A compile that writes bitcode for LTO runs no register allocator: allocation happens in the
/// linker, which the clang driver does not hand -fpass-plugin. Says so, once per process. Not
/// a diagnostic: clang drops a lone note, and a warning would break -Werror builds.
struct LTONote : PassInfoMixin<LTONote> {
  PreservedAnalyses run(Module &, ModuleAnalysisManager &) {
    static std::atomic<bool> Said{false};
    if (!Said.exchange(true))
      errs() << "rl4real: note: this compile writes bitcode for link-time optimisation, so "
                "registers are allocated when linking, where -fpass-plugin does not reach: link "
                "with -fuse-ld=lld -Wl,--load-pass-plugin=$(rl4real plugin-path) and give "
                "options as RL4REAL_* environment variables\n";
    return PreservedAnalyses::all();
  }
};

bool isPluginFlag(const std::string &Arg) {
  for (const spec::OptionInfo &I : spec::Options)
    if (Arg.rfind(std::string("-") + I.Flag, 0) == 0)
      return true;
  return false;
}

/// Is this process a compile that will ask the policy, as far as can be told when clang loads
/// the plugin (before it reads -mllvm options)? Only the command line and RL4REAL_* are known.
bool warmStartWanted() {
  if (!options::getBool(options::WarmStart) || !options::getBool(options::Enable) ||
      !options::validate().empty())
    return false;
  std::ifstream In("/proc/self/cmdline", std::ios::binary);
  bool Optimising = false;
  for (std::string Arg; std::getline(In, Arg, '\0');) {
    // Options on the command line would only be known later: the interpreter they pick, or RL
    // switched off, could not be honoured by a start made now.
    if (isPluginFlag(Arg) || Arg.rfind("-regalloc", 0) == 0 ||
        Arg.rfind("-optimize-regalloc", 0) == 0 || Arg == "-E" || Arg == "-fsyntax-only" ||
        Arg == "-M" || Arg == "-MM" || Arg == "-emit-llvm" || Arg.rfind("-flto", 0) == 0)
      return false;
    if (Arg.size() >= 3 && Arg.rfind("-O", 0) == 0)
      Optimising = Arg != "-O0";
    else if (Arg == "-O")
      Optimising = true;
  }
  return Optimising;
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  // Clang asks for this when it loads the plugin, before it parses: the policy's start-up then
  // overlaps the front end and the optimiser instead of delaying the first function.
  static bool Warmed = [] {
    if (warmStartWanted())
      warmUp(options::all());
    return true;
  }();
  (void)Warmed;
  // The passes live in the codegen pipeline (above); the IR pipeline only gets the LTO note.
  return {LLVM_PLUGIN_API_VERSION, "rl4real", "0.1", [](PassBuilder &PB) {
            PB.registerOptimizerLastEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel Level, ThinOrFullLTOPhase Phase) {
                  bool PreLink = Phase == ThinOrFullLTOPhase::ThinLTOPreLink ||
                                 Phase == ThinOrFullLTOPhase::FullLTOPreLink;
                  if (PreLink && Level != OptimizationLevel::O0 && rlRequested())
                    MPM.addPass(LTONote());
                });
          }};
}
