/* Drives PPMd variant H (7-Zip's PPMd7 coder, in the pyppmd sdist): compresses 1 MiB of
   generated text at model order 6 with 16 MiB of model memory, decodes it again, checks the
   round trip and prints the compressed size and CRC-32. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Ppmd7.h"
#include "crc32.h"

enum { N = 1 << 20, ORDER = 6, MEMORY = 16 << 20 };

static unsigned char *packed;
static size_t packed_len, read_at;

enum { CAPACITY = N + N / 2 };
static void put_byte(const IByteOut *p, Byte b) {
  (void)p;
  if (packed_len == CAPACITY) exit(1);
  packed[packed_len++] = b;
}
static Byte get_byte(const IByteIn *p) { (void)p; return read_at < packed_len ? packed[read_at++] : 0; }
static void *alloc(size_t size) { return malloc(size); }

int main(void) {
  static const char *words[] = {"allocation", "register", "interference", "spill", "reload",
                                "copy", "hint", "evict", "split", "colour", "greedy", "queue"};
  unsigned char *src = malloc(N), *back = malloc(N);
  packed = malloc(CAPACITY);
  if (!src || !back || !packed) return 1;
  unsigned x = 362436069u;
  for (size_t i = 0; i < N;) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const char *w = words[x % (sizeof words / sizeof *words)];
    for (size_t k = 0; w[k] && i < N; k++) src[i++] = (unsigned char)w[k];
    if (i < N) src[i++] = (x >> 9) % 7 ? ' ' : (unsigned char)('A' + (x >> 20) % 26);
  }
  IAlloc allocator = {alloc, free};
  IByteOut out = {put_byte};
  IByteIn in = {get_byte};
  CPpmd7 model;
  Ppmd7_Construct(&model);
  if (!Ppmd7_Alloc(&model, MEMORY, &allocator)) return 1;
  Ppmd7_Init(&model, ORDER);
  CPpmd7z_RangeEnc enc;
  Ppmd7z_RangeEnc_Init(&enc);
  enc.Stream = &out;
  for (size_t i = 0; i < N; i++) Ppmd7_EncodeSymbol(&model, &enc, src[i]);
  Ppmd7z_RangeEnc_FlushData(&enc);
  Ppmd7_Init(&model, ORDER);
  CPpmd7z_RangeDec dec;
  dec.Stream = &in;
  if (!Ppmd7z_RangeDec_Init(&dec)) return 1;
  for (size_t i = 0; i < N; i++) back[i] = (unsigned char)Ppmd7_DecodeSymbol(&model, &dec);
  int finished = Ppmd7z_RangeDec_IsFinishedOK(&dec);
  Ppmd7_Free(&model, &allocator);
  if (!finished || memcmp(src, back, N)) {
    printf("round trip failed\n");
    return 1;
  }
  printf("%d -> %zu bytes, crc32 %08x\n", N, packed_len, driver_crc32(packed, packed_len));
  return 0;
}
