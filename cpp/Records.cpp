#include "Records.h"

#include <map>
#include <mutex>

namespace rl4real {
namespace {
std::mutex Lock;
std::map<const llvm::MachineFunction *, PendingFunction> Pending;
} // namespace

PendingFunction &startPending(const llvm::MachineFunction &MF) {
  std::lock_guard<std::mutex> G(Lock);
  PendingFunction &P = Pending[&MF];
  P = PendingFunction();
  return P;
}

PendingFunction *findPending(const llvm::MachineFunction &MF) {
  std::lock_guard<std::mutex> G(Lock);
  auto It = Pending.find(&MF);
  return It == Pending.end() ? nullptr : &It->second;
}

bool takePending(const llvm::MachineFunction &MF, PendingFunction &Out) {
  std::lock_guard<std::mutex> G(Lock);
  auto It = Pending.find(&MF);
  if (It == Pending.end())
    return false;
  Out = std::move(It->second);
  Pending.erase(It);
  return true;
}

} // namespace rl4real
