/* CRC-32 (IEEE, slicing-by-4 tables) over a generated buffer, repeated. Arg: MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
static uint32_t T[4][256];
static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    while (n >= 4) {
        crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        crc = T[3][crc & 0xff] ^ T[2][(crc >> 8) & 0xff] ^ T[1][(crc >> 16) & 0xff] ^ T[0][crc >> 24];
        p += 4; n -= 4;
    }
    while (n--) crc = T[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
static uint32_t crc32_bytewise(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    while (n--) crc = T[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
int main(int argc, char **argv) {
    size_t len = (size_t)(argc > 1 ? atoi(argv[1]) : 64) << 20;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        T[0][i] = c;
    }
    for (int i = 0; i < 256; i++)
        for (int t = 1; t < 4; t++) T[t][i] = (T[t - 1][i] >> 8) ^ T[0][T[t - 1][i] & 0xff];
    uint8_t *buf = malloc(len);
    uint32_t s = 7;
    for (size_t i = 0; i < len; i++) { s = s * 1103515245u + 12345u; buf[i] = (uint8_t)(s >> 16); }
    uint32_t crc = 0;
    for (int rep = 0; rep < 10; rep++) crc = crc32(crc, buf + rep, len - rep);
    crc ^= crc32_bytewise(0, buf, len / 2);
    printf("checksum %08x\n", crc);
    return 0;
}
