// Lets Python ask a built plugin which feature spec it was compiled with (tests, `rl4real doctor`).
#include "rl4real_spec.h"

#include <string>

extern "C" const char *rl4real_spec_signature() {
  static const std::string Signature = [] {
    std::string S = "version=" + std::to_string(rl4real::spec::Version);
    for (const auto &F : rl4real::spec::Features)
      S += ";" + std::string(F.Table) + "." + F.Name + ":" + F.DType + "x" + std::to_string(F.Cols);
    for (const char *R : rl4real::spec::RefusalNames)
      S += ";refusal." + std::string(R);
    for (const auto &E : rl4real::spec::EvictFlags)
      S += ";evict." + std::string(E.Name) + "=" + std::to_string(E.Value);
    S += ";priority=" + std::to_string(rl4real::spec::PriorityKeep) + ".." +
         std::to_string(rl4real::spec::PriorityMax);
    for (const auto &O : rl4real::spec::Options)
      S += ";option." + std::string(O.Name) + "=" + O.Default;
    for (const char *F : rl4real::spec::ReportFieldNames)
      S += ";report." + std::string(F);
    return S;
  }();
  return Signature.c_str();
}
