#include "Options.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/CodeGen/Passes.h"
#include "llvm/CodeGen/RegAllocRegistry.h"
#include "llvm/Support/CommandLine.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace llvm;

namespace rl4real::options {
namespace {

using spec::OptionInfo;

/// The cl::opt of every option, made from the spec's table at load time.
struct Registry {
  std::vector<std::string> Names, Descriptions; // cl::opt keeps StringRefs to these
  std::vector<std::unique_ptr<cl::opt<std::string>>> Opts;

  Registry() {
    Names.reserve(spec::opt::NumOptions);
    Descriptions.reserve(spec::opt::NumOptions);
    for (const OptionInfo &I : spec::Options) {
      Names.push_back(I.Flag);
      Descriptions.push_back(std::string(I.Doc) + " [" + I.Env + "; default '" + I.Default + "']");
      // A switch may be given bare (-mlra-inference), as LLVM's boolean options.
      Opts.push_back(std::make_unique<cl::opt<std::string>>(
          StringRef(Names.back()), cl::desc(StringRef(Descriptions.back())),
          cl::init(std::string(I.Default)),
          I.Kind == spec::K_bool ? cl::ValueOptional : cl::ValueRequired));
    }
  }
};
Registry &registry() {
  static Registry R;
  return R;
}
const Registry &Registered = registry(); // register the flags when the plugin loads

struct Value {
  bool Ok = true;
  bool Bool = false;
  double Number = 0;
  std::string Text;
};

bool matchesInt(StringRef S) {
  S.consume_front("+") || S.consume_front("-");
  return !S.empty() && all_of(S, isDigit);
}

bool matchesFloat(StringRef S) { // [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?
  S.consume_front("+") || S.consume_front("-");
  size_t Int = S.find_if_not(isDigit);
  Int = Int == StringRef::npos ? S.size() : Int;
  StringRef Rest = S.drop_front(Int);
  size_t Frac = 0;
  if (Rest.consume_front(".")) {
    Frac = Rest.find_if_not(isDigit);
    Frac = Frac == StringRef::npos ? Rest.size() : Frac;
    Rest = Rest.drop_front(Frac);
  }
  if (Int == 0 && Frac == 0)
    return false;
  if (Rest.consume_front("e") || Rest.consume_front("E")) {
    Rest.consume_front("+") || Rest.consume_front("-");
    return !Rest.empty() && all_of(Rest, isDigit);
  }
  return Rest.empty();
}

/// spec.parse_option, the same rule.
Value parse(const OptionInfo &I, const std::string &Raw) {
  Value V;
  std::string S = StringRef(Raw).trim().str();
  if (S.empty())
    S = I.Default;
  switch (I.Kind) {
  case spec::K_bool: {
    std::string L = StringRef(S).lower();
    V.Bool = L == "1" || L == "true" || L == "on" || L == "yes";
    V.Ok = V.Bool || L == "0" || L == "false" || L == "off" || L == "no";
    break;
  }
  case spec::K_int:
  case spec::K_float: {
    V.Ok = I.Kind == spec::K_int ? matchesInt(S) : matchesFloat(S);
    if (V.Ok && I.Kind == spec::K_int) {
      // compared as integers: a double would round 2^53 + 1 into range
      errno = 0;
      long long N = std::strtoll(S.c_str(), nullptr, 10);
      V.Ok = errno != ERANGE && N >= (long long)I.Min && N <= (long long)I.Max;
      V.Number = double(N);
    } else if (V.Ok) {
      V.Number = std::strtod(S.c_str(), nullptr); // underflow gives 0 or a subnormal, as Python
      V.Ok = std::isfinite(V.Number) && V.Number >= I.Min && V.Number <= I.Max;
    }
    break;
  }
  case spec::K_str:
    if (*I.Choices) {
      SmallVector<StringRef, 4> Choices;
      StringRef(I.Choices).split(Choices, '\x1f');
      V.Ok = is_contained(Choices, S);
    }
    break;
  }
  V.Text = S;
  return V;
}

Value value(Id O) {
  Value V = parse(spec::Options[O], get(O));
  return V.Ok ? V : parse(spec::Options[O], "");
}

} // namespace

std::string get(Id O) {
  const auto &Opt = *registry().Opts[O];
  if (Opt.getNumOccurrences())
    return spec::Options[O].Kind == spec::K_bool && Opt.getValue().empty() ? std::string("1")
                                                                     : Opt.getValue();
  if (const char *E = std::getenv(spec::Options[O].Env))
    return E;
  return spec::Options[O].Default;
}

bool getBool(Id O) { return value(O).Bool; }
double getNumber(Id O) { return value(O).Number; }
int64_t getInt(Id O) { return int64_t(value(O).Number); }

std::string validate() {
  std::string Errors;
  for (int O = 0; O < spec::opt::NumOptions; ++O) {
    const OptionInfo &I = spec::Options[O];
    std::string Raw = get(Id(O));
    if (!parse(I, Raw).Ok)
      Errors += std::string(Errors.empty() ? "" : "\n") + "invalid value '" + Raw +
                "' for option '" + I.Name + "' (-mllvm -" + I.Flag + " or " + I.Env +
                "): expected " + I.Accepted;
  }
  return Errors;
}

std::vector<std::pair<std::string, std::string>> all() {
  std::vector<std::pair<std::string, std::string>> R;
  for (int O = 0; O < spec::opt::NumOptions; ++O) {
    const OptionInfo &I = spec::Options[O];
    Value V = value(Id(O));
    std::string Text = V.Text;
    if (I.Kind == spec::K_bool) {
      Text = V.Bool ? "1" : "0";
    } else if (I.Kind != spec::K_str) {
      char Buf[32];
      std::snprintf(Buf, sizeof Buf, "%.17g", V.Number);
      Text = Buf;
    }
    R.emplace_back(I.Key, Text);
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

bool userChoseGreedy() {
  auto &Registered = cl::getRegisteredOptions();
  if (auto It = Registered.find("optimize-regalloc");
      It != Registered.end() && It->second->getNumOccurrences())
    return false;
  auto It = Registered.find("regalloc");
  if (It == Registered.end() || !It->second->getNumOccurrences())
    return false;
  // The one -regalloc option of LLVM 22 (TargetPassConfig.cpp), holding the chosen constructor.
  using RegAllocOpt = cl::opt<RegisterRegAlloc::FunctionPassCtor, false,
                              RegisterPassParser<RegisterRegAlloc>>;
  FunctionPass *(*Greedy)() = &createGreedyRegisterAllocator;
  return static_cast<RegAllocOpt *>(It->second)->getValue() == Greedy;
}

} // namespace rl4real::options
