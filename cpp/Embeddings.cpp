#include "Embeddings.h"

#include "Diagnostics.h"
#include "Options.h"
#include "Report.h"
#include "rl4real_spec.h"

#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/MachineInstr.h"
#include "llvm/CodeGen/MachineRegisterInfo.h"
#include "llvm/CodeGen/TargetInstrInfo.h"
#include "llvm/CodeGen/TargetRegisterInfo.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>
#include <mutex>

using namespace llvm;

namespace rl4real {
namespace {

std::string defaultPath() {
  // The vocabulary ships in the package, next to the plugin: rl4real/lib/../vocab/.
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&defaultPath), &Info) || !Info.dli_fname)
    return "";
  SmallString<256> P(sys::path::parent_path(sys::path::parent_path(Info.dli_fname)));
  sys::path::append(P, "vocab", "mir2vec.json");
  return std::string(P);
}

const char *commonOperandName(const MachineOperand &MO) {
  switch (MO.getType()) {
  case MachineOperand::MO_Immediate: return "Immediate";
  case MachineOperand::MO_CImmediate: return "CImmediate";
  case MachineOperand::MO_FPImmediate: return "FPImmediate";
  case MachineOperand::MO_MachineBasicBlock: return "MBB";
  case MachineOperand::MO_FrameIndex: return "FrameIndex";
  case MachineOperand::MO_ConstantPoolIndex: return "ConstantPoolIndex";
  case MachineOperand::MO_TargetIndex: return "TargetIndex";
  case MachineOperand::MO_JumpTableIndex: return "JumpTableIndex";
  case MachineOperand::MO_ExternalSymbol: return "ExternalSymbol";
  case MachineOperand::MO_GlobalAddress: return "GlobalAddress";
  case MachineOperand::MO_BlockAddress: return "BlockAddress";
  case MachineOperand::MO_RegisterMask: return "RegisterMask";
  case MachineOperand::MO_RegisterLiveOut: return "RegisterLiveOut";
  case MachineOperand::MO_Metadata: return "Metadata";
  case MachineOperand::MO_MCSymbol: return "MCSymbol";
  case MachineOperand::MO_CFIIndex: return "CFIIndex";
  case MachineOperand::MO_IntrinsicID: return "IntrinsicID";
  case MachineOperand::MO_Predicate: return "Predicate";
  case MachineOperand::MO_ShuffleMask: return "ShuffleMask";
  default: return nullptr;
  }
}

/// MIR2Vec's opcode key: the leading letters and underscores of the name, trailing '_' dropped
/// (ADD32rr -> ADD, JCC_1 -> JCC).
StringRef baseOpcodeName(StringRef Name) {
  size_t End = 0;
  while (End < Name.size() && (isAlpha(Name[End]) || Name[End] == '_'))
    ++End;
  return Name.take_front(End).rtrim('_');
}

enum class Section { None, Common, Phys, Virt };

/// Which vocabulary section and key an operand's embedding comes from (None: contributes zero).
std::pair<Section, StringRef> operandKey(const MachineOperand &MO, const TargetRegisterInfo &TRI,
                                         const MachineRegisterInfo &MRI) {
  if (!MO.isReg()) {
    const char *Name = commonOperandName(MO);
    return {Name ? Section::Common : Section::None, Name ? Name : ""};
  }
  Register R = MO.getReg();
  if (R.isVirtual()) {
    if (const TargetRegisterClass *RC = MRI.getRegClassOrNull(R))
      return {Section::Virt, TRI.getRegClassName(RC)};
  } else if (R) {
    if (const TargetRegisterClass *RC = TRI.getMinimalPhysRegClass(R.asMCReg()))
      return {Section::Phys, TRI.getRegClassName(RC)}; // classless registers ($mxcsr): nothing
  }
  return {Section::None, ""};
}

StringRef opcodeKey(const MachineInstr &MI) {
  return baseOpcodeName(MI.getMF()->getSubtarget().getInstrInfo()->getName(MI.getOpcode()));
}

void add(const StringMap<std::vector<float>> &Section, StringRef Key, float *Acc) {
  auto It = Section.find(Key);
  if (It == Section.end())
    return; // missing entries contribute zero, as in MIR2Vec
  for (size_t I = 0; I < It->second.size(); ++I)
    Acc[I] += It->second[I];
}

} // namespace

std::string loadVocabulary(const std::string &Path, Vocabulary &V) {
  auto Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return "cannot read " + Path + ": " + Buf.getError().message();
  Expected<json::Value> Root = json::parse((*Buf)->getBuffer());
  if (!Root)
    return Path + ": " + toString(Root.takeError());
  const json::Object *Obj = Root->getAsObject();
  if (!Obj)
    return Path + ": the JSON root is not an object";
  std::pair<const char *, StringMap<std::vector<float>> *> Sections[] = {
      {"Opcodes", &V.Opcodes}, {"CommonOperands", &V.Common},
      {"PhysicalRegisters", &V.Phys}, {"VirtualRegisters", &V.Virt}};
  for (auto [Name, Map] : Sections) {
    const json::Object *Sec = Obj->getObject(Name);
    if (!Sec)
      return Path + ": missing section '" + Name + "'";
    for (const auto &[Key, Value] : *Sec) {
      const json::Array *A = Value.getAsArray();
      if (!A)
        return Path + ": entry '" + Key.str() + "' of " + Name + " is not an array";
      std::vector<float> Vec;
      for (const json::Value &X : *A)
        Vec.push_back(float(X.getAsNumber().value_or(0.0)));
      if (Vec.size() != unsigned(spec::EmbeddingDim))
        return Path + ": entry '" + Key.str() + "' has dimension " + std::to_string(Vec.size()) +
               ", the feature spec needs " + std::to_string(spec::EmbeddingDim);
      (*Map)[Key.str()] = std::move(Vec);
    }
  }
  return "";
}

namespace {
std::string VocabError;
}

const std::string &Vocabulary::loadError() {
  get();
  return VocabError;
}

const Vocabulary *Vocabulary::get() {
  static std::once_flag Once;
  static Vocabulary *Loaded = nullptr;
  std::call_once(Once, [] {
    std::string Path = options::get(options::Vocab);
    if (Path == "none")
      return;
    if (Path.empty())
      Path = defaultPath();
    auto *V = new Vocabulary();
    std::string Err = loadVocabulary(Path, *V);
    if (!Err.empty()) {
      VocabError = Err;
      if (!options::getBool(options::Strict)) // strict mode makes it an error per function
        errs() << "warning: rl4real: instruction embeddings off: " << Err << "\n";
      delete V;
      return;
    }
    Loaded = V;
  });
  return Loaded;
}

void Vocabulary::addInstruction(const MachineInstr &MI, float *Acc) const {
  const MachineFunction &MF = *MI.getMF();
  const TargetRegisterInfo &TRI = *MF.getSubtarget().getRegisterInfo();
  add(Opcodes, opcodeKey(MI), Acc);
  for (const MachineOperand &MO : MI.operands()) {
    auto [Sec, Key] = operandKey(MO, TRI, MF.getRegInfo());
    if (Sec != Section::None)
      add(Sec == Section::Common ? Common : Sec == Section::Phys ? Phys : Virt, Key, Acc);
  }
}

std::string mir2vecTriplets(const MachineFunction &MF) {
  const TargetRegisterInfo &TRI = *MF.getSubtarget().getRegisterInfo();
  std::string Out;
  raw_string_ostream OS(Out);
  StringRef Prev;
  for (const MachineBasicBlock &MBB : MF)
    for (const MachineInstr &MI : MBB) {
      if (MI.isDebugInstr())
        continue;
      StringRef Opc = opcodeKey(MI);
      if (!Prev.empty())
        OS << Prev << '\t' << Opc << "\t0\n";
      Prev = Opc;
      for (unsigned I = 0; I < MI.getNumOperands(); ++I) {
        auto [Sec, Key] = operandKey(MI.getOperand(I), TRI, MF.getRegInfo());
        if (Sec != Section::None)
          OS << Opc << '\t' << (Sec == Section::Phys ? "PhyReg_" : Sec == Section::Virt ? "VirtReg_" : "")
             << Key << '\t' << I + 1 << '\n';
      }
    }
  if (!Out.empty() && Out.back() == '\n')
    Out.pop_back(); // appendLine adds the last newline
  return Out;
}

void appendTriplets(const MachineFunction &MF) {
  std::string Path = options::get(options::Triplets);
  if (Path.empty())
    return;
  std::string Triplets = mir2vecTriplets(MF), Err;
  if (!Triplets.empty() && !appendLine(Path, Triplets, Err))
    reportWarning(MF, "cannot write triplets to '" + Path + "': " + Err);
}

} // namespace rl4real
