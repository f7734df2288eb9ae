/* N-body simulation (floating point, all pairs): many doubles live in the inner loop. */
#include <math.h>
#include <stdio.h>

enum { BODIES = 48 };
typedef struct { double x, y, z, vx, vy, vz, m; } Body;

static void advance(Body *b, int n, double dt) {
  for (int i = 0; i < n; i++) {
    double xi = b[i].x, yi = b[i].y, zi = b[i].z, mi = b[i].m;
    double ax = 0, ay = 0, az = 0;
    for (int j = 0; j < n; j++) {
      if (j == i) continue;
      double dx = xi - b[j].x, dy = yi - b[j].y, dz = zi - b[j].z;
      double d2 = dx * dx + dy * dy + dz * dz + 1e-3;
      double mag = dt / (d2 * sqrt(d2));
      ax -= dx * b[j].m * mag; ay -= dy * b[j].m * mag; az -= dz * b[j].m * mag;
    }
    b[i].vx += ax; b[i].vy += ay; b[i].vz += az;
    (void)mi;
  }
  for (int i = 0; i < n; i++) { b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz; }
}

static double energy(const Body *b, int n) {
  double e = 0;
  for (int i = 0; i < n; i++) {
    e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < n; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz + 1e-3);
    }
  }
  return e;
}

int main(void) {
  Body b[BODIES];
  for (int i = 0; i < BODIES; i++) {
    b[i] = (Body){cos(i * 0.7) * (1 + i % 5), sin(i * 1.3) * (1 + i % 3), (i % 7) * 0.3 - 1,
                  sin(i * 0.5) * 0.1, cos(i * 0.9) * 0.1, 0.01 * (i % 4), 0.5 + (i % 6) * 0.25};
  }
  printf("%.9f\n", energy(b, BODIES));
  for (int s = 0; s < 400; s++) advance(b, BODIES, 0.001);
  printf("%.9f\n", energy(b, BODIES));
  return 0;
}
