/* LZ77 compression with a hash chain, then decompression and verification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WINDOW = 1 << 15, HASH = 1 << 14, MINM = 4, MAXM = 258, CHAIN = 32 };

static unsigned hash4(const unsigned char *p) {
  return ((p[0] << 16 ^ p[1] << 8 ^ p[2]) * 2654435761u ^ p[3]) >> 18;
}

/* Output: tokens (literal: 0,byte; match: 1,len,dist) as bytes. */
static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
  static int head[HASH], prev[WINDOW];
  memset(head, -1, sizeof head);
  size_t o = 0, i = 0;
  while (i < n) {
    int best = 0, bestd = 0;
    if (i + MINM <= n) {
      unsigned h = hash4(in + i) & (HASH - 1);
      int cand = head[h], chain = CHAIN;
      while (cand >= 0 && (int)i - cand < WINDOW && chain--) {
        int len = 0, lim = (int)(n - i) < MAXM ? (int)(n - i) : MAXM;
        while (len < lim && in[cand + len] == in[i + len]) len++;
        if (len > best) { best = len; bestd = (int)i - cand; }
        cand = prev[cand & (WINDOW - 1)];
      }
      prev[i & (WINDOW - 1)] = head[h];
      head[h] = (int)i;
    }
    if (best >= MINM) {
      out[o++] = 1; out[o++] = (unsigned char)(best - MINM); out[o++] = bestd & 255; out[o++] = bestd >> 8;
      for (int k = 1; k < best && i + k + MINM <= n; k++) {
        unsigned h = hash4(in + i + k) & (HASH - 1);
        prev[(i + k) & (WINDOW - 1)] = head[h];
        head[h] = (int)(i + k);
      }
      i += best;
    } else {
      out[o++] = 0; out[o++] = in[i++];
    }
  }
  return o;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (in[i] == 0) { out[o++] = in[i + 1]; i += 2; }
    else {
      int len = in[i + 1] + MINM, d = in[i + 2] | in[i + 3] << 8;
      for (int k = 0; k < len; k++, o++) out[o] = out[o - d];
      i += 4;
    }
  }
  return o;
}

int main(void) {
  enum { N = 1 << 20 };
  unsigned char *in = malloc(N), *c = malloc(2 * N + 16), *d = malloc(N);
  const char *words[] = {"register ", "allocation ", "live ", "range ", "split ", "spill ", "colour ", "graph "};
  unsigned x = 7;
  for (size_t i = 0; i < N;) {
    x = x * 1103515245u + 12345u;
    const char *w = words[(x >> 16) % 8];
    for (; *w && i < N; w++) in[i++] = (x >> 28) == 0 ? (unsigned char)(x >> 8) : (unsigned char)*w;
  }
  size_t cn = compress(in, N, c), dn = decompress(c, cn, d);
  unsigned long h = 0;
  for (size_t i = 0; i < cn; i++) h = h * 131 + c[i];
  printf("%zu %zu %d %lu\n", cn, dn, dn == N && memcmp(in, d, N) == 0, h);
  return 0;
}
