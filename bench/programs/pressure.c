/* Register pressure: many values live across a loop, integer and floating point. */
#include <stdio.h>

static unsigned long mix(unsigned long *v, int n, int rounds) {
  unsigned long a = 1, b = 2, c = 3, d = 5, e = 7, f = 11, g = 13, h = 17, i = 19, j = 23, k = 29;
  for (int r = 0; r < rounds; r++)
    for (int x = 0; x < n; x++) {
      unsigned long t = v[x];
      a += t ^ k; b ^= a * 31; c += b >> 3; d ^= c + t; e += d * 7; f ^= e >> 5;
      g += f ^ a; h ^= g * 13; i += h >> 7; j ^= i + b; k += j * 3 + c;
      v[x] = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ i ^ j ^ k;
    }
  return a + b + c + d + e + f + g + h + i + j + k;
}

static double poly(const double *x, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (int i = 0; i < n; i++) {
    double t = x[i];
    s0 += t; s1 += t * t; s2 += s1 * 0.5 - t; s3 += s2 * t;
    s4 += s3 - s0 * 0.25; s5 += s4 * 0.125 + t; s6 += s5 - s1 * 0.01; s7 += s6 * s0 * 1e-6;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}

int main(void) {
  static unsigned long v[4096];
  static double x[4096];
  for (int i = 0; i < 4096; i++) { v[i] = (unsigned long)i * 2654435761u; x[i] = (i % 97) * 0.01; }
  printf("%lu %.6e\n", mix(v, 4096, 50), poly(x, 4096));
  return 0;
}
