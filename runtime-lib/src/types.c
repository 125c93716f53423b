/* Runtime types: the canonical id and the `w2n_rtt` of every type of an instance's module.
 *
 * Types are canonical per rec group (Wasm 3.0's iso-recursive equality). The compiler writes each
 * group's structure as a string (`w2n_type_def.group`, compiler/src/gc_types.rs) in which a
 * reference to an earlier type is `tN;`; an instance replaces those with the referenced type's
 * canonical id (`#ID;`), so the string names the group's structure down to the canonical ids it
 * refers to, and interns it: equal strings are equal groups, in any module. A lone final function
 * type without supertype or concrete references is its plain signature code, the string host
 * functions are interned with (w2n_intern_signature), so that they match it.
 *
 * One `w2n_rtt` exists per canonical id, made at its first use and kept for the process (objects
 * and other modules' instances refer to it). Its display lists its supertypes from the root down,
 * so a cast to T is `rtt->depth >= T->depth && rtt->display[T->depth] == T`. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rtt of id i: chunks[i / CHUNK][i % CHUNK]. Chunks are never moved nor freed, so readers need
 * no lock (a slot is written once, under the lock, before its id is handed out to anyone). */
#define RTT_CHUNK 1024u
#define RTT_CHUNKS 65536u
static const w2n_rtt **rtt_chunks[RTT_CHUNKS];
static pthread_mutex_t rtt_lock = PTHREAD_MUTEX_INITIALIZER;

const w2n_rtt *w2n__rtt_of_id(uint32_t id) {
  if (id == UINT32_MAX || id / RTT_CHUNK >= RTT_CHUNKS) return NULL;
  const w2n_rtt **chunk = __atomic_load_n(&rtt_chunks[id / RTT_CHUNK], __ATOMIC_ACQUIRE);
  return chunk ? __atomic_load_n(&chunk[id % RTT_CHUNK], __ATOMIC_ACQUIRE) : NULL;
}

/* The rtt of canonical id `id`, made from `def` (whose supertype's rtt is `super`) at first use. */
static const w2n_rtt *rtt_for(uint32_t id, const w2n_type_def *def, const w2n_rtt *super) {
  if (id == UINT32_MAX || id / RTT_CHUNK >= RTT_CHUNKS) return NULL;
  const w2n_rtt *found = w2n__rtt_of_id(id);
  if (found) return found;
  pthread_mutex_lock(&rtt_lock);
  const w2n_rtt **chunk = rtt_chunks[id / RTT_CHUNK];
  if (!chunk) {
    chunk = calloc(RTT_CHUNK, sizeof *chunk);
    if (!chunk) goto out;
    __atomic_store_n(&rtt_chunks[id / RTT_CHUNK], chunk, __ATOMIC_RELEASE);
  }
  if (chunk[id % RTT_CHUNK]) goto out;
  uint32_t depth = super ? super->depth + 1 : 0;
  uint32_t nrefs = def ? def->num_refs : 0;
  /* One block: the rtt, its display, its reference offsets. */
  size_t bytes = sizeof(w2n_rtt) + (depth + 1) * sizeof(w2n_rtt *) + nrefs * sizeof(uint32_t);
  w2n_rtt *rtt = calloc(1, bytes);
  if (!rtt) goto out;
  const w2n_rtt **display = (const w2n_rtt **)(rtt + 1);
  uint32_t *offsets = (uint32_t *)(display + depth + 1);
  for (uint32_t i = 0; i < depth; i++) display[i] = super->display[i];
  display[depth] = rtt;
  if (nrefs) memcpy(offsets, def->ref_offsets, nrefs * sizeof(uint32_t));
  rtt->kind = def ? def->kind : W2N_RTT_FUNC;
  rtt->depth = depth;
  rtt->display = display;
  rtt->id = id;
  rtt->size = def ? def->size : 0;
  rtt->num_refs = nrefs;
  rtt->ref_offsets = offsets;
  __atomic_store_n(&chunk[id % RTT_CHUNK], rtt, __ATOMIC_RELEASE);
out:
  pthread_mutex_unlock(&rtt_lock);
  return w2n__rtt_of_id(id);
}

/* `group` with every `tN;` replaced by `#ID;` (ids[N]). NULL: no memory. */
static char *resolve_group(const char *group, const uint32_t *ids, uint32_t num_types) {
  size_t cap = strlen(group) + 32, len = 0;
  char *out = malloc(cap);
  if (!out) return NULL;
  for (const char *c = group; *c;) {
    char piece[24];
    size_t n;
    if (*c == 't') {
      char *end;
      unsigned long t = strtoul(c + 1, &end, 10);
      n = (size_t)snprintf(piece, sizeof piece, "#%u;", t < num_types ? ids[t] : UINT32_MAX);
      c = *end == ';' ? end + 1 : end;
    } else {
      piece[0] = *c++;
      n = 1;
    }
    if (len + n + 16 > cap) {
      char *bigger = realloc(out, cap *= 2);
      if (!bigger) return free(out), NULL;
      out = bigger;
    }
    memcpy(out + len, piece, n);
    len += n;
  }
  out[len] = 0;
  return out;
}

int w2n__resolve_types(w2n_instance *ctx) {
  const w2n_module *m = w2n__mod(ctx);
  uint32_t *ids = w2n__type_ids(ctx);
  const w2n_rtt **rtts = w2n__region(ctx, m->layout.rtts);
  uint32_t group_id = UINT32_MAX; /* of the structured group being walked */
  for (uint32_t t = 0; t < m->num_types; t++) {
    const w2n_type_def *def = m->type_defs ? &m->type_defs[t] : NULL;
    const char *group = def ? m->type_defs[def->group_start].group : m->type_sigs ? m->type_sigs[t] : NULL;
    if (!group) {
      ids[t] = UINT32_MAX;
      continue;
    }
    if (group[0] != '{') {
      ids[t] = w2n_intern_signature(group);
    } else {
      /* The group's string is resolved and interned once, at its first type; each type's id is
       * that of `#GROUP/k`, which no signature code or group string can spell. */
      if (t == def->group_start) {
        char *key = resolve_group(group, ids, m->num_types);
        if (!key) return -1;
        group_id = w2n_intern_signature(key);
        free(key);
      }
      char key[32];
      snprintf(key, sizeof key, "#%u/%u", group_id, t - def->group_start);
      ids[t] = group_id == UINT32_MAX ? UINT32_MAX : w2n_intern_signature(key);
    }
    const w2n_rtt *super = def && def->supertype < t ? rtts[def->supertype] : NULL;
    rtts[t] = rtt_for(ids[t], def, super);
    if (ids[t] == UINT32_MAX || !rtts[t]) return -1;
  }
  return 0;
}

const char *w2n__resolve_code(w2n_instance *ctx, const char *code) {
  if (!code || !strchr(code, 't')) return code;
  char *resolved = resolve_group(code, w2n__type_ids(ctx), w2n__mod(ctx)->num_types);
  if (!resolved) return NULL;
  char *owned = w2n__instance_alloc(ctx, strlen(resolved) + 1);
  if (owned) strcpy(owned, resolved);
  free(resolved);
  return owned;
}

int w2n__type_id_matches(uint32_t id, const w2n_rtt *expected) {
  if (!expected) return 0;
  if (id == expected->id) return 1;
  const w2n_rtt *rtt = w2n__rtt_of_id(id);
  return rtt && rtt->depth > expected->depth && rtt->display[expected->depth] == expected;
}

int32_t w2n_func_type_matches(const w2n_func *f, const w2n_rtt *expected) {
  return f && w2n__type_id_matches(f->type_id, expected);
}

uint32_t w2n_ref_kind(const void *ref, void **host) {
  if (!ref) return W2N_REF_NULL;
  if ((uintptr_t)ref & 1) return W2N_REF_I31;
  const w2n_rtt *rtt = *(const w2n_rtt *const *)ref;
  switch (rtt->kind) {
  case W2N_RTT_STRUCT: return W2N_REF_STRUCT;
  case W2N_RTT_ARRAY: return W2N_REF_ARRAY;
  case W2N_RTT_HOST_BOX:
    if (host) *host = ((void *const *)ref)[1];
    return W2N_REF_HOST;
  default: return W2N_REF_OTHER;
  }
}
