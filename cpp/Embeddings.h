// Instruction embeddings from a MIR2Vec vocabulary (the JSON layout of llvm/CodeGen/MIR2Vec.h:
// Opcodes, CommonOperands, PhysicalRegisters, VirtualRegisters). The symbolic embedding of an
// instruction is its opcode's vector plus one vector per operand, as in MIR2Vec. It is computed
// here rather than with MIREmbedder because LLVM 22.1's embedder aborts on physical registers
// without a register class ($mxcsr on every SSE instruction, $ssp in calls); see
// llvm-patches/README.md.
#pragma once

#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace llvm {
class MachineFunction;
class MachineInstr;
} // namespace llvm

namespace rl4real {

class Vocabulary {
public:
  /// The process-wide vocabulary named by the `vocab` option (loaded once), or null when
  /// embeddings are off or the file cannot be used (then one warning is printed per process).
  static const Vocabulary *get();
  /// Why the vocabulary named by the options could not be loaded ("" if it loaded or is off).
  static const std::string &loadError();

  /// Adds MI's embedding to Acc (spec::EmbeddingDim floats).
  void addInstruction(const llvm::MachineInstr &MI, float *Acc) const;

private:
  llvm::StringMap<std::vector<float>> Opcodes, Common, Phys, Virt;
  friend std::string loadVocabulary(const std::string &Path, Vocabulary &V);
};

std::string loadVocabulary(const std::string &Path, Vocabulary &V);

/// MIR2Vec training triplets of MF, one per line: "head<TAB>tail<TAB>relation" with entity names
/// as in `llvm-ir2vec entities --mode=mir` (relation 0: next instruction's opcode, 1+i: operand
/// i). Produced here because llvm-ir2vec 22.1 aborts on most real functions (see above).
std::string mir2vecTriplets(const llvm::MachineFunction &MF);

/// With the triplets option set, appends MF's triplets to that file (a warning if it cannot).
void appendTriplets(const llvm::MachineFunction &MF);

} // namespace rl4real
