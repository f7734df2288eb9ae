/* Dense matrix kernels: blocked matrix multiply, LU decomposition without pivoting, a stencil. */
#include <stdio.h>

enum { N = 160 };
static double A[N][N], B[N][N], C[N][N];

static void matmul(void) {
  for (int ii = 0; ii < N; ii += 32)
    for (int kk = 0; kk < N; kk += 32)
      for (int i = ii; i < ii + 32; i++)
        for (int k = kk; k < kk + 32; k++) {
          double a = A[i][k];
          for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
        }
}

static void lu(double M[N][N]) {
  for (int k = 0; k < N; k++)
    for (int i = k + 1; i < N; i++) {
      double f = M[i][k] / M[k][k];
      M[i][k] = f;
      for (int j = k + 1; j < N; j++) M[i][j] -= f * M[k][j];
    }
}

static double stencil(int steps) {
  static double u[N][N], v[N][N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) u[i][j] = (i * 31 + j * 17) % 23;
  for (int s = 0; s < steps; s++) {
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        v[i][j] = 0.2 * (u[i][j] + u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1]);
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++) u[i][j] = v[i][j];
  }
  double t = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) t += u[i][j];
  return t;
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = ((i * 7 + j * 3) % 11) - 5 + (i == j ? 40 : 0);
      B[i][j] = ((i * 5 + j * 13) % 7) - 3;
    }
  matmul();
  lu(A);
  double tr = 0, c = 0;
  for (int i = 0; i < N; i++) { tr += A[i][i]; c += C[i][(i * 7) % N]; }
  printf("%.6e %.6e %.6e\n", tr, c, stencil(20));
  return 0;
}
