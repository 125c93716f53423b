/* A JSON-like tokenizer: generates a nested document, then scans it into tokens (strings with
   escapes, numbers parsed to integers, punctuation, literals), repeatedly. Arg: KiB of text. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static char *buf; static size_t len, cap;
static void put(const char *s) { size_t n = strlen(s); if (len + n >= cap) { cap = cap * 2 + n; buf = realloc(buf, cap); } memcpy(buf + len, s, n); len += n; }
static uint32_t rs = 5;
static uint32_t rnd(void) { rs = rs * 1103515245u + 12345u; return rs >> 16; }
static void gen(int depth) {
    char tmp[32];
    if (depth > 4 || rnd() % 4 == 0) {
        switch (rnd() % 5) {
        case 0: snprintf(tmp, sizeof tmp, "%u", rnd() * 7919u); put(tmp); break;
        case 1: put("\"str\\\"ing\\n value\""); break;
        case 2: put("true"); break;
        case 3: put("null"); break;
        default: snprintf(tmp, sizeof tmp, "-%u.%u", rnd() % 1000, rnd() % 100); put(tmp); break;
        }
    } else if (rnd() % 2) {
        put("{"); int n = rnd() % 6;
        for (int i = 0; i < n; i++) { if (i) put(", "); snprintf(tmp, sizeof tmp, "\"key%u\": ", rnd() % 50); put(tmp); gen(depth + 1); }
        put("}");
    } else {
        put("["); int n = rnd() % 6;
        for (int i = 0; i < n; i++) { if (i) put(","); gen(depth + 1); }
        put("]\n");
    }
}
int main(int argc, char **argv) {
    size_t target = (size_t)(argc > 1 ? atoi(argv[1]) : 32768) << 10;
    put("[");
    while (len < target) { gen(0); put(",\n"); }
    put("0]");
    uint32_t counts[8] = {0}, h = 0;
    for (int rep = 0; rep < 4; rep++) {
        size_t i = 0; int depth = 0, maxdepth = 0;
        while (i < len) {
            char c = buf[i];
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') { i++; continue; }
            if (c == '{' || c == '[') { depth++; if (depth > maxdepth) maxdepth = depth; counts[0]++; i++; }
            else if (c == '}' || c == ']') { depth--; counts[1]++; i++; }
            else if (c == ',' || c == ':') { counts[2]++; i++; }
            else if (c == '"') {
                uint32_t sh = 0; i++;
                while (buf[i] != '"') { if (buf[i] == '\\') i++; sh = sh * 33 + (uint8_t)buf[i]; i++; }
                i++; counts[3]++; h ^= sh + (uint32_t)rep;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int neg = c == '-'; if (neg) i++;
                int64_t v = 0; while (buf[i] >= '0' && buf[i] <= '9') v = v * 10 + (buf[i++] - '0');
                if (buf[i] == '.') { i++; while (buf[i] >= '0' && buf[i] <= '9') v = v * 10 + (buf[i++] - '0'); }
                counts[4]++; h = h * 31u + (uint32_t)(neg ? -v : v);
            } else if (!strncmp(buf + i, "true", 4)) { counts[5]++; i += 4; }
            else if (!strncmp(buf + i, "null", 4)) { counts[6]++; i += 4; }
            else { counts[7]++; i++; }
        }
        h += (uint32_t)maxdepth + (uint32_t)depth;
    }
    printf("checksum %zu %u %u %u %u %u %u %u %u %08x\n", len, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], h);
    return 0;
}
