/* Portable C kernels: what the auto-vectorizer gets (clang -O2, with -msimd128 for wasm32 and
 * -march=x86-64-v2 natively). */
#include "kernels.h"

void saxpy(float *y, const float *x, float a, int n) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

void blend_u8(uint8_t *out, const uint8_t *a, const uint8_t *b, int w, int n) {
  uint16_t wa = (uint16_t)w, wb = (uint16_t)(256 - w);
  for (int i = 0; i < n; i++) out[i] = (uint8_t)((uint16_t)(a[i] * wa + b[i] * wb) >> 8);
}

int32_t dot_i16(const int16_t *a, const int16_t *b, int n) {
  uint32_t sum = 0; /* unsigned: wrapping is defined */
  for (int i = 0; i < n; i++) sum += (uint32_t)(a[i] * b[i]);
  return (int32_t)sum;
}

uint32_t sad_u8(const uint8_t *a, const uint8_t *b, int n) {
  uint32_t sum = 0;
  for (int i = 0; i < n; i++) sum += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
  return sum;
}
