#include "Options.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace llvm;

namespace rl4real::options {
namespace {

struct Info {
  const char *Name;
  const char *Default;
};

constexpr Info Infos[] = {
#define RL4REAL_OPTION(ID, NAME, DEFAULT, DESC) {NAME, DEFAULT},
#include "Options.def"
};

cl::opt<std::string> Opts[] = {
#define RL4REAL_OPTION(ID, NAME, DEFAULT, DESC)                                                  \
  cl::opt<std::string>("rl4real-" NAME, cl::desc(DESC " [env RL4REAL_*, default '" DEFAULT "']"), \
                       cl::init(DEFAULT)),
#include "Options.def"
};

std::string envName(const char *Name) {
  std::string S = "RL4REAL_";
  for (const char *C = Name; *C; ++C)
    S += *C == '-' ? '_' : char(toUpper(*C));
  return S;
}

} // namespace

std::string get(Id O) {
  if (Opts[O].getNumOccurrences())
    return Opts[O];
  if (const char *E = std::getenv(envName(Infos[O].Name).c_str()))
    return E;
  return Infos[O].Default;
}

bool getBool(Id O) {
  std::string V = StringRef(get(O)).trim().lower();
  return !(V.empty() || V == "0" || V == "false" || V == "off" || V == "no");
}

double getNumber(Id O) {
  std::string V = get(O);
  char *End = nullptr;
  double D = std::strtod(V.c_str(), &End);
  if (End == V.c_str())
    return std::strtod(Infos[O].Default, nullptr);
  return D;
}

int64_t getInt(Id O) {
  constexpr double Limit = 9007199254740992.0; // 2^53
  double D = getNumber(O);
  if (std::isnan(D))
    return 0;
  return int64_t(std::max(-Limit, std::min(Limit, D)));
}

std::vector<std::pair<std::string, std::string>> all() {
  std::vector<std::pair<std::string, std::string>> R;
  for (int I = 0; I < NumOptions; ++I) {
    std::string Key = Infos[I].Name;
    for (char &C : Key)
      if (C == '-')
        C = '_';
    R.emplace_back(Key, get(Id(I)));
  }
  return R;
}

bool userChoseRegAlloc() {
  auto &Registered = cl::getRegisteredOptions();
  for (const char *Name : {"regalloc", "optimize-regalloc"}) {
    auto It = Registered.find(Name);
    if (It != Registered.end() && It->second->getNumOccurrences())
      return true;
  }
  return false;
}

} // namespace rl4real::options
