/* Drives the Brotli library (its C sources from the Brotli sdist): compresses generated text at
   three qualities, decompresses it, and prints sizes and a checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>

int main(void) {
  enum { N = 1 << 19 };
  static const char *words[] = {"register", "allocation", "live", "range", "spill", "greedy",
                                "policy", "interference", "graph", "colour", "split", "hint"};
  unsigned char *src = malloc(N);
  unsigned x = 2463534242u;
  for (size_t i = 0; i < N;) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const char *w = words[x % 12];
    for (size_t k = 0; w[k] && i < N; k++) src[i++] = (unsigned char)w[k];
    if (i < N) src[i++] = (x >> 8) % 7 ? ' ' : (unsigned char)('0' + (x >> 16) % 10);
  }
  size_t cap = BrotliEncoderMaxCompressedSize(N);
  unsigned char *dst = malloc(cap), *back = malloc(N);
  unsigned long sum = 0;
  for (int quality = 1; quality <= 9; quality += 4) {
    size_t c = cap, d = N;
    if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, N, src, &c, dst)) {
      printf("compress failed\n");
      return 1;
    }
    if (BrotliDecoderDecompress(c, dst, &d, back) != BROTLI_DECODER_RESULT_SUCCESS || d != N ||
        memcmp(src, back, N)) {
      printf("roundtrip failed\n");
      return 1;
    }
    for (size_t i = 0; i < c; i++) sum = sum * 31 + dst[i];
    printf("quality %d: %d -> %zu\n", quality, N, c);
  }
  printf("checksum %lu\n", sum);
  return 0;
}
