// Warnings and errors go through LLVM's diagnostic handler, so clang and llc print them like
// their own (and -Werror, -w behave as users expect). Policy faults also feed the circuit
// breaker: a policy that keeps failing is switched off for the rest of the process.
#pragma once

#include <string>

namespace llvm {
class MachineFunction;
}

namespace rl4real {

void reportWarning(const llvm::MachineFunction &MF, const std::string &Msg);
void reportError(const llvm::MachineFunction &MF, const std::string &Msg);

/// A policy fault on MF: a warning saying greedy allocates the function, or an error if Strict.
/// A Fatal fault (the policy cannot run again in this process), or the max-faults-th fault,
/// switches the policy off for the rest of the process, saying so once with the faults counted
/// by cause.
void policyFault(const llvm::MachineFunction &MF, const std::string &Cause, bool Fatal,
                 bool Strict);

/// True once the policy is switched off for the rest of this process.
bool policySwitchedOff();

} // namespace rl4real
