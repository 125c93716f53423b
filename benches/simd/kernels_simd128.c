/* The kernels of kernels_plain.c written with wasm_simd128.h (clang --target=wasm32 -msimd128). */
#include <wasm_simd128.h>
#include "kernels.h"

void saxpy(float *y, const float *x, float a, int n) {
  v128_t va = wasm_f32x4_splat(a);
  for (int i = 0; i < n; i += 4) {
    v128_t vy = wasm_v128_load(y + i);
    v128_t vx = wasm_v128_load(x + i);
    wasm_v128_store(y + i, wasm_f32x4_add(wasm_f32x4_mul(va, vx), vy));
  }
}

void blend_u8(uint8_t *out, const uint8_t *a, const uint8_t *b, int w, int n) {
  v128_t wa = wasm_i16x8_splat((int16_t)w), wb = wasm_i16x8_splat((int16_t)(256 - w));
  for (int i = 0; i < n; i += 16) {
    v128_t va = wasm_v128_load(a + i), vb = wasm_v128_load(b + i);
    v128_t lo = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(va), wa),
                               wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(vb), wb));
    v128_t hi = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(va), wa),
                               wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(vb), wb));
    lo = wasm_u16x8_shr(lo, 8);
    hi = wasm_u16x8_shr(hi, 8);
    wasm_v128_store(out + i, wasm_u8x16_narrow_i16x8(lo, hi));
  }
}

int32_t dot_i16(const int16_t *a, const int16_t *b, int n) {
  v128_t acc = wasm_i32x4_splat(0);
  for (int i = 0; i < n; i += 8)
    acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  return wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
         wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
}

uint32_t sad_u8(const uint8_t *a, const uint8_t *b, int n) {
  v128_t acc = wasm_i32x4_splat(0);
  for (int i = 0; i < n; i += 16) {
    v128_t va = wasm_v128_load(a + i), vb = wasm_v128_load(b + i);
    v128_t d = wasm_v128_or(wasm_u8x16_sub_sat(va, vb), wasm_u8x16_sub_sat(vb, va));
    acc = wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(d)));
  }
  return (uint32_t)(wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
                    wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3));
}
