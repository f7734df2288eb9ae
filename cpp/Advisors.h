// Greedy's priority and eviction advisors, provided by the plugin: greedy asks them for the order
// it allocates live ranges in and for the registers it evicts from. Each wraps LLVM's default
// advisor and changes its answer only where the policy advised (session.advise); greedy keeps its
// own splitting, spilling and legality, and a function without advice is allocated exactly as
// stock greedy allocates it.
#pragma once

namespace llvm::legacy {
class PassManagerBase;
}

namespace rl4real {

/// Adds both advisor analyses to a codegen pass manager, before greedy asks for them (greedy
/// then uses these instead of creating LLVM's defaults).
void addAdvisors(llvm::legacy::PassManagerBase &PM);

} // namespace rl4real
