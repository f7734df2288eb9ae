/* Drives Zopfli (the C library in the zopfli sdist): compresses 16 KiB of generated text to the
   zlib format with one iteration of its optimal parse (its cost grows faster than the input) and
   prints the stream's size and CRC-32. With a file name as argument it also writes the stream
   there, to check it with any zlib decoder. */
#include <stdio.h>
#include <stdlib.h>

#include "zopfli.h"
#include "crc32.h"

int main(int argc, char **argv) {
  enum { N = 16 << 10 };
  static const char *words[] = {"interference", "graph", "spill", "reload", "copy", "hint",
                                "evict", "split", "colour", "greedy", "queue", "weight", "loop"};
  unsigned char *src = malloc(N);
  if (!src) return 1;
  unsigned x = 2463534242u;
  for (size_t i = 0; i < N;) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const char *w = words[x % (sizeof words / sizeof *words)];
    for (size_t k = 0; w[k] && i < N; k++) src[i++] = (unsigned char)w[k];
    if (i < N) src[i++] = (x >> 9) % 6 ? ' ' : (unsigned char)('0' + (x >> 20) % 10);
  }
  unsigned char *out = NULL;
  size_t size = 0;
  ZopfliOptions options;
  ZopfliInitOptions(&options);
  options.numiterations = 1;
  ZopfliCompress(&options, ZOPFLI_FORMAT_ZLIB, src, N, &out, &size);
  printf("%d -> %zu bytes, crc32 %08x\n", N, size, driver_crc32(out, size));
  if (argc > 1) {
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(out, 1, size, f) != size || fclose(f)) return 1;
  }
  return 0;
}
