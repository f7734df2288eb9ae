/* Drives LZ4 (the C library in the lz4 sdist): compresses generated text with the fast and the
   high-compression coders, decompresses both, checks the round trip and prints sizes and xxHash
   checksums. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lz4.h"
#include "lz4hc.h"
#include "xxhash.h"

int main(void) {
  enum { N = 1 << 20 };
  static const char *words[] = {"live", "range", "spill", "reload", "copy", "hint", "evict",
                                "split", "colour", "greedy", "queue", "weight", "block", "loop"};
  char *src = malloc(N);
  unsigned x = 88172645u;
  for (size_t i = 0; i < N;) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const char *w = words[x % 14];
    for (size_t k = 0; w[k] && i < N; k++) src[i++] = w[k];
    if (i < N) src[i++] = (x >> 9) % 5 ? ' ' : (char)('a' + (x >> 20) % 26);
  }
  int cap = LZ4_compressBound(N);
  char *dst = malloc(cap), *back = malloc(N);
  for (int level = 0; level <= 9; level += 9) {  /* 0: LZ4_compress_default, 9: LZ4HC level 9 */
    int c = level ? LZ4_compress_HC(src, dst, N, cap, level) : LZ4_compress_default(src, dst, N, cap);
    if (c <= 0 || LZ4_decompress_safe(dst, back, c, N) != N || memcmp(src, back, N)) {
      printf("roundtrip failed at level %d\n", level);
      return 1;
    }
    printf("level %d: %d -> %d, xxh32 %08x, xxh64 %016llx\n", level, N, c,
           XXH32(dst, (size_t)c, 0), (unsigned long long)XXH64(dst, (size_t)c, 0));
  }
  return 0;
}
