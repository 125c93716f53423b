/* Particle update over an array of structs {x, y, z, vx, vy, vz, mass, charge, alive}: gravity plus
   attraction to a few fixed wells, drag, integration, reflection off the walls of a box and
   respawning of particles that enter a well, the shape of game and simulation update loops. Arg: steps. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <math.h>
struct particle { double x, y, z, vx, vy, vz, mass, charge; int32_t alive, bounces; };
#define NP 20000
#define NW 3
static struct particle P[NP];
static const double WX[NW] = {2.5, 7.5, 5.0}, WY[NW] = {2.5, 4.0, 8.0}, WZ[NW] = {5.0, 3.0, 6.0}, WS[NW] = {4.0, -2.0, 3.0};
static uint32_t rs = 2718281;
static double frand(void) { rs = rs * 1664525u + 1013904223u; return (double)(rs >> 8) / 16777216.0; }
static void spawn(struct particle *p) {
    p->x = 10.0 * frand(); p->y = 10.0 * frand(); p->z = 10.0 * frand();
    p->vx = frand() - 0.5; p->vy = frand() - 0.5; p->vz = frand() - 0.5;
    p->mass = 0.5 + frand(); p->charge = frand() < 0.5 ? -1.0 : 1.0; p->alive = 1;
}
int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 1200;
    for (int i = 0; i < NP; i++) { spawn(&P[i]); P[i].bounces = 0; }
    const double dt = 0.01, drag = 0.999;
    int64_t respawns = 0;
    for (int t = 0; t < steps; t++) {
        for (int i = 0; i < NP; i++) {
            struct particle *p = &P[i];
            double inv_m = 1.0 / p->mass, fx = 0, fy = 0, fz = -9.81 * p->mass;
            for (int w = 0; w < NW; w++) {
                double dx = WX[w] - p->x, dy = WY[w] - p->y, dz = WZ[w] - p->z;
                double r2 = dx * dx + dy * dy + dz * dz + 0.01;
                double f = WS[w] * p->charge / (r2 * sqrt(r2));
                fx += f * dx; fy += f * dy; fz += f * dz;
                if (r2 < 0.02) p->alive = 0;
            }
            p->vx = (p->vx + fx * inv_m * dt) * drag;
            p->vy = (p->vy + fy * inv_m * dt) * drag;
            p->vz = (p->vz + fz * inv_m * dt) * drag;
            p->x += p->vx * dt; p->y += p->vy * dt; p->z += p->vz * dt;
            if (p->x < 0) { p->x = -p->x; p->vx = -p->vx; p->bounces++; }
            else if (p->x > 10) { p->x = 20 - p->x; p->vx = -p->vx; p->bounces++; }
            if (p->y < 0) { p->y = -p->y; p->vy = -p->vy; p->bounces++; }
            else if (p->y > 10) { p->y = 20 - p->y; p->vy = -p->vy; p->bounces++; }
            if (p->z < 0) { p->z = -p->z; p->vz = -0.9 * p->vz; p->bounces++; }
            else if (p->z > 10) { p->z = 20 - p->z; p->vz = -p->vz; p->bounces++; }
        }
        for (int i = 0; i < NP; i++)
            if (!P[i].alive) { spawn(&P[i]); respawns++; }
    }
    double ke = 0, cx = 0, cz = 0; int64_t bounces = 0;
    for (int i = 0; i < NP; i++) {
        const struct particle *p = &P[i];
        ke += 0.5 * p->mass * (p->vx * p->vx + p->vy * p->vy + p->vz * p->vz);
        cx += p->x; cz += p->z; bounces += p->bounces;
    }
    printf("checksum %.6e %.6e %.6e %lld %lld\n", ke, cx / NP, cz / NP, (long long)bounces, (long long)respawns);
    return 0;
}
