// clang-22 loads the plugin with -fpass-plugin and its -mllvm options parse.
// RUN: rm -f %t.jsonl
// RUN: %clang -O2 -c %s -o %t.o -fpass-plugin=%plugin -mllvm -rl4real-min-size=1 -mllvm -rl4real-report=%t.jsonl
// RUN: FileCheck %s < %t.jsonl
// CHECK: "function": "sum3", "file": "{{.*}}clang-plugin.c", "target": "x86_64{{.*}}", {{.*}}"fallback": null
long sum3(long *p, long n) {
  long a = 0, b = 0, c = 0;
  for (long i = 0; i < n; i++) { a += p[i]; b ^= a; c += b * 3; }
  return a + b + c;
}
