// Warnings and errors go through LLVM's diagnostic handler, so clang and llc print them like
// their own (and -Werror, -w behave as users expect).
#pragma once

#include <string>

namespace llvm {
class MachineFunction;
}

namespace rl4real {

void reportWarning(const llvm::MachineFunction &MF, const std::string &Msg);
/// A policy fault on MF: a warning saying greedy allocates the function, or an error if Strict.
void policyFault(const llvm::MachineFunction &MF, const std::string &Cause, bool Strict);

} // namespace rl4real
