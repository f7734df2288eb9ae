// A loop the RISC-V V extension vectorises: vector and scalar registers in one function.
void saxpy(int n, float k, const float *x, float *y) {
  for (int i = 0; i < n; i++)
    y[i] += k * x[i];
}
