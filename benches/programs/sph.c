/* 2-D smoothed-particle hydrodynamics (a dam break): particles binned into a uniform grid each
   step by a counting sort, density with the poly6 kernel, pressure (spiky gradient) and viscosity
   forces over the 3x3 neighbouring cells, then integration with damped wall collisions;
   floating-point-heavy physics with irregular neighbour access. Arg: time steps. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <math.h>
#define PI 3.141592653589793
#define H 0.04
#define H2 (H * H)
#define SPACING 0.02
#define MASS (1000.0 * SPACING * SPACING)
#define STIFF 200.0
#define VISC 1.0
#define DT 0.0005
#define WIDTH 2.0
#define HEIGHT 1.0
#define GW 50
#define GH 25
#define NX 70
#define NY 40
#define NP (NX * NY)
static double px[NP], py[NP], vx[NP], vy[NP], fx[NP], fy[NP], rho[NP], pr[NP], rest;
static int cell_of[NP], cell_start[GW * GH + 1], order[NP];
static const double poly6 = 4.0 / (PI * H2 * H2 * H2 * H2), spiky = -30.0 / (PI * H2 * H2 * H), visc = 40.0 / (PI * H2 * H2 * H);
static void bin(void) {
    static int fill[GW * GH];
    for (int c = 0; c <= GW * GH; c++) cell_start[c] = 0;
    for (int i = 0; i < NP; i++) {
        int cx = (int)(px[i] / H), cy = (int)(py[i] / H);
        if (cx >= GW) cx = GW - 1;
        if (cy >= GH) cy = GH - 1;
        cell_of[i] = cy * GW + cx; cell_start[cell_of[i] + 1]++;
    }
    for (int c = 0; c < GW * GH; c++) cell_start[c + 1] += cell_start[c];
    for (int c = 0; c < GW * GH; c++) fill[c] = cell_start[c];
    for (int i = 0; i < NP; i++) order[fill[cell_of[i]]++] = i;
}
static void density(void) {
    for (int i = 0; i < NP; i++) {
        int cx = cell_of[i] % GW, cy = cell_of[i] / GW;
        double d = 0;
        for (int y = cy - 1; y <= cy + 1; y++) {
            if (y < 0 || y >= GH) continue;
            for (int x = cx - 1; x <= cx + 1; x++) {
                if (x < 0 || x >= GW) continue;
                int c = y * GW + x;
                for (int q = cell_start[c]; q < cell_start[c + 1]; q++) {
                    int j = order[q];
                    double dx = px[j] - px[i], dy = py[j] - py[i], r2 = dx * dx + dy * dy;
                    if (r2 < H2) { double w = H2 - r2; d += MASS * poly6 * w * w * w; }
                }
            }
        }
        rho[i] = d; pr[i] = STIFF * (d - rest);
    }
}
static void forces(void) {
    for (int i = 0; i < NP; i++) {
        int cx = cell_of[i] % GW, cy = cell_of[i] / GW;
        double ax = 0, ay = 0;
        for (int y = cy - 1; y <= cy + 1; y++) {
            if (y < 0 || y >= GH) continue;
            for (int x = cx - 1; x <= cx + 1; x++) {
                if (x < 0 || x >= GW) continue;
                int c = y * GW + x;
                for (int q = cell_start[c]; q < cell_start[c + 1]; q++) {
                    int j = order[q];
                    if (j == i) continue;
                    double dx = px[j] - px[i], dy = py[j] - py[i], r2 = dx * dx + dy * dy;
                    if (r2 >= H2 || r2 == 0.0) continue;
                    double r = sqrt(r2), hr = H - r;
                    double fp = MASS * (pr[i] + pr[j]) / (2.0 * rho[j]) * spiky * hr * hr / r;
                    double fv = VISC * MASS / rho[j] * visc * hr;
                    ax += fp * dx + fv * (vx[j] - vx[i]);
                    ay += fp * dy + fv * (vy[j] - vy[i]);
                }
            }
        }
        fx[i] = ax / rho[i]; fy[i] = ay / rho[i] - 9.81;
    }
}
int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 450;
    uint32_t s = 1;
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            int k = j * NX + i;
            s = s * 1664525u + 1013904223u;
            px[k] = 0.05 + i * SPACING + (double)(s >> 24) * 1e-6; py[k] = 0.05 + j * SPACING;
        }
    bin(); density();
    for (int i = 0; i < NP; i++) rest += rho[i];
    rest /= NP; /* the rest density is the initial block's mean density */
    for (int t = 0; t < steps; t++) {
        bin(); density(); forces();
        for (int i = 0; i < NP; i++) {
            vx[i] += DT * fx[i]; vy[i] += DT * fy[i];
            double sp2 = vx[i] * vx[i] + vy[i] * vy[i];
            if (sp2 > 100.0) { double k = 10.0 / sqrt(sp2); vx[i] *= k; vy[i] *= k; }
            px[i] += DT * vx[i]; py[i] += DT * vy[i];
            if (px[i] < 0.001) { px[i] = 0.001; vx[i] *= -0.5; }
            if (px[i] > WIDTH - 0.001) { px[i] = WIDTH - 0.001; vx[i] *= -0.5; }
            if (py[i] < 0.001) { py[i] = 0.001; vy[i] *= -0.5; }
            if (py[i] > HEIGHT - 0.001) { py[i] = HEIGHT - 0.001; vy[i] *= -0.5; }
        }
    }
    double mx = 0, my = 0, ke = 0, dmax = 0; int right = 0;
    for (int i = 0; i < NP; i++) {
        mx += px[i]; my += py[i]; ke += 0.5 * MASS * (vx[i] * vx[i] + vy[i] * vy[i]);
        if (rho[i] > dmax) dmax = rho[i];
        right += px[i] > WIDTH / 2;
    }
    printf("checksum %.6e %.6e %.6e %.6e %.6e %d\n", rest, mx / NP, my / NP, ke, dmax, right);
    return 0;
}
