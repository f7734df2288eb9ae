/* Drives the single-file zstd library (zstd.c from the zstandard sdist): compresses generated
   data at several levels, decompresses it, and prints sizes and a checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zstd.h"

int main(void) {
  enum { N = 1 << 21 };
  char *src = malloc(N);
  unsigned x = 2463534242u;
  for (size_t i = 0; i < N; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    src[i] = (x % 100 < 70) ? "rl4real register allocation "[i % 28] : (char)(x >> 24);
  }
  size_t cap = ZSTD_compressBound(N);
  char *dst = malloc(cap), *back = malloc(N);
  unsigned long sum = 0;
  for (int level = 1; level <= 9; level += 4) {
    size_t c = ZSTD_compress(dst, cap, src, N, level);
    if (ZSTD_isError(c)) { printf("error %s\n", ZSTD_getErrorName(c)); return 1; }
    size_t d = ZSTD_decompress(back, N, dst, c);
    if (ZSTD_isError(d) || d != N || memcmp(src, back, N)) { printf("roundtrip failed\n"); return 1; }
    for (size_t i = 0; i < c; i++) sum = sum * 31 + (unsigned char)dst[i];
    printf("level %d: %zu -> %zu\n", level, (size_t)N, c);
  }
  printf("checksum %lu\n", sum);
  return 0;
}
