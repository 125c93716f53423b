/* Mandelbrot set bitmap (50 iterations), checksum of the packed bits. Arg: width. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int w = argc > 1 ? atoi(argv[1]) : 3000, h = w;
    unsigned sum = 0, bits = 0; int bitnum = 0;
    for (int y = 0; y < h; y++) {
        double ci = 2.0 * y / h - 1.0;
        for (int x = 0; x < w; x++) {
            double cr = 2.0 * x / w - 1.5, zr = 0, zi = 0, tr = 0, ti = 0;
            int i = 0;
            for (; i < 50 && tr + ti <= 4.0; i++) { zi = 2.0 * zr * zi + ci; zr = tr - ti + cr; tr = zr * zr; ti = zi * zi; }
            bits = (bits << 1) | (tr + ti <= 4.0);
            if (++bitnum == 8) { sum = sum * 31u + bits; bits = 0; bitnum = 0; }
        }
    }
    printf("checksum %u\n", sum);
    return 0;
}
