/* The benchmark kernels: one interface, two implementations.
 *   kernels_plain.c    portable C, left to the compiler's auto-vectorizer
 *   kernels_simd128.c  the same kernels written with wasm_simd128.h (wasm32 only)
 * Every kernel computes exactly the same result in both (no float reassociation, no FMA), so the
 * driver's checksums must agree across all builds. n is a multiple of 16. */
#ifndef KERNELS_H
#define KERNELS_H
#include <stdint.h>

/* y[i] = a * x[i] + y[i] (f32) */
void saxpy(float *y, const float *x, float a, int n);
/* out[i] = (a[i] * w + b[i] * (256 - w)) >> 8 (u8 pixels, w in 0..256) */
void blend_u8(uint8_t *out, const uint8_t *a, const uint8_t *b, int w, int n);
/* sum of a[i] * b[i] (i16 inputs, i32 wrapping sum) */
int32_t dot_i16(const int16_t *a, const int16_t *b, int n);
/* sum of |a[i] - b[i]| (u8 inputs): sum of absolute differences, as in motion estimation */
uint32_t sad_u8(const uint8_t *a, const uint8_t *b, int n);

#endif
