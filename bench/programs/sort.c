/* Sorting: quicksort, merge sort and heap sort over the same pseudo-random data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned rng = 12345;
static unsigned next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void quick(int *a, int lo, int hi) {
  while (lo < hi) {
    int p = a[(lo + hi) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quick(a, lo, j); lo = i; } else { quick(a, i, hi); hi = j; }
  }
}

static void merge(int *a, int *tmp, int n) {
  for (int w = 1; w < n; w *= 2)
    for (int lo = 0; lo < n; lo += 2 * w) {
      int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
      memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
    }
}

static void sift(int *a, int i, int n) {
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && a[c + 1] > a[c]) c++;
    if (a[i] >= a[c]) return;
    int t = a[i]; a[i] = a[c]; a[c] = t; i = c;
  }
}

static void heap(int *a, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
  for (int e = n - 1; e > 0; e--) { int t = a[0]; a[0] = a[e]; a[e] = t; sift(a, 0, e); }
}

int main(void) {
  enum { N = 200000 };
  int *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c),
      *t = malloc(N * sizeof *t);
  for (int i = 0; i < N; i++) a[i] = b[i] = c[i] = (int)(next() % 1000003);
  quick(a, 0, N - 1); merge(b, t, N); heap(c, N);
  unsigned long h = 0;
  for (int i = 0; i < N; i++) {
    if (a[i] != b[i] || b[i] != c[i]) { printf("mismatch at %d\n", i); return 1; }
    h = h * 31 + (unsigned)a[i];
  }
  printf("%lu\n", h);
  return 0;
}
