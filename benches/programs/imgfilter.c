/* Image filtering on an 8-bit grayscale image: 5x5 Gaussian blur (separable, integer), Sobel edge
   magnitude, then a histogram; several passes. Arg: width (height = width * 3 / 4). */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
int main(int argc, char **argv) {
    int w = argc > 1 ? atoi(argv[1]) : 5000, h = w * 3 / 4;
    uint8_t *img = malloc((size_t)w * h), *out = malloc((size_t)w * h);
    uint16_t *tmp = malloc(sizeof(uint16_t) * w * h);
    uint32_t s = 3;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) { s = s * 1103515245u + 12345u; img[y * w + x] = (uint8_t)(((x ^ y) & 0xff) / 2 + ((s >> 16) & 0x7f)); }
    static const int k[5] = {1, 4, 6, 4, 1};
    uint32_t hist[256] = {0}, csum = 0;
    for (int pass = 0; pass < 6; pass++) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int acc = 0;
                for (int i = -2; i <= 2; i++) { int xx = x + i; xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx; acc += k[i + 2] * img[y * w + xx]; }
                tmp[y * w + x] = (uint16_t)acc;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int acc = 0;
                for (int i = -2; i <= 2; i++) { int yy = y + i; yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy; acc += k[i + 2] * tmp[yy * w + x]; }
                img[y * w + x] = (uint8_t)((acc + 128) >> 8);
            }
        for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++) {
                const uint8_t *p = img + y * w + x;
                int gx = -p[-w - 1] - 2 * p[-1] - p[w - 1] + p[-w + 1] + 2 * p[1] + p[w + 1];
                int gy = -p[-w - 1] - 2 * p[-w] - p[-w + 1] + p[w - 1] + 2 * p[w] + p[w + 1];
                int m = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
                out[y * w + x] = (uint8_t)(m > 255 ? 255 : m);
            }
        for (int i = 0; i < w * h; i++) hist[out[i]]++;
        for (int i = 0; i < w * h; i += 64) img[i] ^= out[i];
    }
    for (int i = 0; i < 256; i++) csum = csum * 31u + hist[i];
    printf("checksum %u\n", csum);
    return 0;
}
