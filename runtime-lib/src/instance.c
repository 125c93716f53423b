/*
 * instance.c — stores, instantiation (import resolution and checking, creation of memories, tables,
 * globals and function records, the protected run of the module's init), exports, and canonical
 * signature interning.
 *
 * Limits: a store counts the instances, memories and tables its live instances hold and refuses an
 * instantiation that would pass its w2n_store_limits (memory and table sizes: memory.c, table.c).
 *
 * Ownership: a store owns its WASI state; an instance owns its context block, its defined memories and
 * tables and the host function records made for it. Instances that import from another instance must
 * be freed before it. An instance whose init trapped is kept alive (its effects on imported memories
 * and tables remain visible, as the spec requires) and never freed.
 */
#include "internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void w2n__error_set(w2n_error *err, uint32_t trap, const char *fmt, ...) {
  if (!err) return;
  memset(err, 0, sizeof *err);
  err->trap = trap;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
}

/* ---- Stores ---- */

w2n_store *w2n_store_new(void) {
  w2n_runtime_init(); /* honours W2N_NO_SIGNAL_HANDLERS itself */
  w2n_store_impl *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  w2n_store_limits none = W2N_STORE_LIMITS_NONE;
  s->limits = none;
  s->pub.fuel = W2N_FUEL_UNLIMITED;
  return &s->pub;
}

int w2n_store_set_limits(w2n_store *store, const w2n_store_limits *limits) {
  if (!store || !limits) return -1;
  w2n__store_impl(store)->limits = *limits;
  return 0;
}

/* Checks the store's count limits for one more instance defining `memories` memories and `tables`
 * tables. Returns 0, or -1 with the limit named in *err. */
static int check_counts(const w2n_store_impl *s, uint64_t memories, uint64_t tables, w2n_error *err) {
  const w2n_store_limits *l = &s->limits;
  if (s->num_instances >= l->max_instances) {
    w2n__error_set(err, W2N_TRAP_NONE, "instantiation would exceed the store's max-instances limit of %llu",
                   (unsigned long long)l->max_instances);
    return -1;
  }
  if (memories > l->max_memories || s->num_memories > l->max_memories - memories) {
    w2n__error_set(err, W2N_TRAP_NONE,
                   "instantiation would exceed the store's max-memories limit of %llu (it holds %llu, the module "
                   "defines %llu)",
                   (unsigned long long)l->max_memories, (unsigned long long)s->num_memories,
                   (unsigned long long)memories);
    return -1;
  }
  if (tables > l->max_tables || s->num_tables > l->max_tables - tables) {
    w2n__error_set(err, W2N_TRAP_NONE,
                   "instantiation would exceed the store's max-tables limit of %llu (it holds %llu, the module "
                   "defines %llu)",
                   (unsigned long long)l->max_tables, (unsigned long long)s->num_tables, (unsigned long long)tables);
    return -1;
  }
  return 0;
}

void w2n_store_free(w2n_store *store) {
  if (!store) return;
  w2n_store_impl *s = w2n__store_impl(store);
  w2n__deadline_free(s);
  w2n__wasi_free(s->wasi);
  w2n__gc_free(s);
  free(s);
}

/* ---- Signatures ---- */

static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static char **sig_table;      /* open addressing, sig_cap slots */
static uint32_t *sig_ids;
static uint32_t sig_cap, sig_count;

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

static int sig_grow(void) {
  uint32_t cap = sig_cap ? sig_cap * 2 : 256;
  char **t = calloc(cap, sizeof *t);
  uint32_t *ids = calloc(cap, sizeof *ids);
  if (!t || !ids) {
    free(t);
    free(ids);
    return -1;
  }
  for (uint32_t i = 0; i < sig_cap; i++) {
    if (!sig_table[i]) continue;
    uint32_t j = (uint32_t)hash_str(sig_table[i]) & (cap - 1);
    while (t[j]) j = (j + 1) & (cap - 1);
    t[j] = sig_table[i];
    ids[j] = sig_ids[i];
  }
  free(sig_table);
  free(sig_ids);
  sig_table = t;
  sig_ids = ids;
  sig_cap = cap;
  return 0;
}

uint32_t w2n_intern_signature(const char *sig) {
  if (!sig) return UINT32_MAX;
  uint32_t id = UINT32_MAX;
  pthread_mutex_lock(&sig_lock);
  if ((sig_count + 1) * 2 > sig_cap && sig_grow() != 0) goto out;
  uint32_t j = (uint32_t)hash_str(sig) & (sig_cap - 1);
  while (sig_table[j]) {
    if (strcmp(sig_table[j], sig) == 0) {
      id = sig_ids[j];
      goto out;
    }
    j = (j + 1) & (sig_cap - 1);
  }
  char *copy = strdup(sig);
  if (!copy) goto out;
  sig_table[j] = copy;
  sig_ids[j] = id = sig_count++;
out:
  pthread_mutex_unlock(&sig_lock);
  return id;
}

void w2n_signature_arity(const char *sig, uint32_t *nparams, uint32_t *nresults) {
  /* One code per value type at bracket depth 0; `c[...]` (a concrete function type) and `ctN;` /
   * `c#ID;` (a concrete struct or array type) count once. */
  uint32_t counts[2] = {0, 0};
  int side = 0, depth = 0;
  for (const char *c = sig ? sig : ""; *c; c++) {
    if ((*c == 't' || *c == '#') && depth == 0) {
      while (c[1] && *c != ';') c++; /* the rest of a `ctN;` counted at its `c` */
      continue;
    }
    if (*c == '[') depth++;
    else if (*c == ']') depth--;
    else if (depth == 0 && *c == ':') side = 1;
    else if (depth == 0) counts[side]++;
  }
  if (nparams) *nparams = counts[0];
  if (nresults) *nresults = counts[1];
}

/* ---- Instances ---- */

void *w2n__instance_alloc(w2n_instance *inst, size_t size) {
  w2n_instance_priv *priv = w2n__hdr(inst)->runtime_data;
  size_t head = (sizeof(w2n_owned) + 15) & ~(size_t)15;
  w2n_owned *o = calloc(1, head + size);
  if (!o) return NULL;
  o->next = priv->owned;
  priv->owned = o;
  return (char *)o + head;
}

const w2n_module *w2n_instance_module(const w2n_instance *inst) { return w2n__mod(inst); }
w2n_store *w2n_instance_store(const w2n_instance *inst) { return w2n__hdr(inst)->store; }

/* The limits rule of import matching: actual [amin, amax] must lie within declared [min, max]. */
static int limits_match(uint64_t actual_min, int actual_has_max, uint64_t actual_max, uint64_t min, uint64_t max) {
  if (actual_min < min) return 0;
  if (max == UINT64_MAX) return 1;
  return actual_has_max && actual_max <= max;
}

/* Reference-type matching on canonical codes: `a` func, `r` extern, `z` nofunc, `y` noextern,
 * `x` exn, `w` noexn, `n` any, `q` eq, `j` i31, `s` struct, `g` array, `o` none, `c[...]` a concrete
 * function type, `c#ID;` a concrete struct or array type (resolved, w2n__resolve_code); upper case
 * = non-nullable. Numbers match only themselves. */
static int ref_heap(const char *code, char *heap) {
  char c = *code;
  if (!c) return -1;
  int nonnull = c >= 'A' && c <= 'Z';
  *heap = (char)(nonnull ? c - 'A' + 'a' : c);
  return nonnull;
}

/* The rtt of a resolved concrete struct or array code (`c#ID;`), or NULL. */
static const w2n_rtt *concrete_rtt(const char *code) {
  if ((code[0] != 'c' && code[0] != 'C') || code[1] != '#') return NULL;
  return w2n__rtt_of_id((uint32_t)strtoul(code + 2, NULL, 10));
}

int w2n__valtype_subtype(const char *sub, const char *super) {
  if (!sub || !super) return sub == super;
  if (strcmp(sub, super) == 0) return 1;
  const w2n_rtt *rs = concrete_rtt(sub), *rp = concrete_rtt(super);
  char hs = 0, hp = 0;
  int ns = ref_heap(sub, &hs), np = ref_heap(super, &hp);
  if (ns < 0 || np < 0 || strchr("arzycxwnqjsgo", hs) == NULL || strchr("arzycxwnqjsgo", hp) == NULL) return 0;
  if (np && !ns) return 0; /* nullable is not a subtype of non-nullable */
  switch (hp) {
  case 'a': return hs == 'a' || hs == 'z' || hs == 'c';
  case 'r': return hs == 'r' || hs == 'y';
  case 'x': return hs == 'x' || hs == 'w';
  case 'n': return strchr("nqjsgo", hs) != NULL || rs; /* any > eq > i31, struct, array > none */
  case 'q': return strchr("qjsgo", hs) != NULL || rs;
  case 'j': return hs == hp || hs == 'o';
  case 's': return hs == hp || hs == 'o' || (rs && rs->kind == W2N_RTT_STRUCT);
  case 'g': return hs == hp || hs == 'o' || (rs && rs->kind == W2N_RTT_ARRAY);
  case 'c':
    if (rp) return hs == 'o' || (rs && w2n__type_id_matches(rs->id, rp));
    return hs == 'z' || (hs == 'c' && !rs && strcmp(sub + 1, super + 1) == 0);
  default: return hs == hp;
  }
}

/* Checks one resolved import and binds it into its context slot. Returns 0 or -1 (incompatible). */
static int bind_import(w2n_instance *ctx, const w2n_import_desc *imp, const w2n_extern *ext) {
  const w2n_module *m = w2n__mod(ctx);
  if (ext->kind != imp->kind) return -1;
  switch (imp->kind) {
  case W2N_EXTERN_FUNC: {
    const w2n_func *f = ext->of.func;
    if (!f || imp->index >= m->num_funcs || imp->type >= m->num_types) return -1;
    /* A function of a subtype of the import's type matches it. */
    if (f->type_id == UINT32_MAX || !w2n__type_id_matches(f->type_id, w2n__rtts(ctx)[imp->type])) return -1;
    w2n__funcs(ctx)[imp->index] = (w2n_func *)f;
    return 0;
  }
  case W2N_EXTERN_GLOBAL: {
    if (!ext->of.global.cell || imp->index >= m->num_globals) return -1;
    if (ext->of.global.type != imp->type || (ext->of.global.mutable_ != 0) != (imp->mutable_ != 0)) return -1;
    const char *want = w2n__resolve_code(ctx, imp->valtype);
    if (ext->of.global.valtype && want) {
      /* Immutable globals are covariant; mutable ones must have exactly the declared type. */
      int ok = imp->mutable_ ? strcmp(ext->of.global.valtype, want) == 0
                             : w2n__valtype_subtype(ext->of.global.valtype, want);
      if (!ok) return -1;
    }
    w2n__globals(ctx)[imp->index] = ext->of.global.cell;
    return 0;
  }
  case W2N_EXTERN_TABLE: {
    const w2n_table *t = ext->of.table;
    if (!t || imp->index >= m->num_tables || t->elem_type != imp->type) return -1;
    const char *want = w2n__resolve_code(ctx, imp->valtype);
    if (t->elem_valtype && want && strcmp(t->elem_valtype, want) != 0) return -1;
    if (!limits_match(t->size, !(t->limit_flags & W2N__NO_DECLARED_MAX), t->max, imp->min, imp->max)) return -1;
    w2n__tables(ctx)[imp->index] = (w2n_table *)t;
    return 0;
  }
  case W2N_EXTERN_MEMORY: {
    const w2n_memory *mem = ext->of.memory;
    if (!mem || imp->index >= m->num_memories || mem->flags != imp->type) return -1;
    /* Generated code relies on the limit (W2N_MEM32_MAX_PAGES), whoever made the memory. */
    if (mem->size / W2N_PAGE_SIZE(mem->flags) > w2n__holdable_pages(mem->flags, UINT64_MAX)) return -1;
    if (!limits_match(mem->size / W2N_PAGE_SIZE(mem->flags), !(mem->limit_flags & W2N__NO_DECLARED_MAX), mem->max_pages, imp->min,
                      imp->max))
      return -1;
    w2n__memories(ctx)[imp->index] = (w2n_memory *)mem;
    return 0;
  }
  case W2N_EXTERN_TAG: {
    w2n_tag *tag = ext->of.tag;
    if (!tag || imp->index >= m->num_tags || imp->type >= m->num_types) return -1;
    if (tag->type_id != w2n__type_ids(ctx)[imp->type]) return -1;
    w2n__tags(ctx)[imp->index] = tag;
    return 0;
  }
  default:
    return -1;
  }
}

static void destroy_defined(w2n_instance *ctx, uint32_t memories_made, uint32_t tables_made) {
  const w2n_module *m = w2n__mod(ctx);
  w2n_memory *mems = w2n__region(ctx, m->layout.def_memories);
  for (uint32_t i = 0; i < memories_made; i++) w2n__memory_destroy(&mems[i]);
  w2n_table *tabs = w2n__region(ctx, m->layout.def_tables);
  for (uint32_t i = 0; i < tables_made; i++) w2n__table_destroy(&tabs[i]);
}

/* The store's list of live instances: the GC heap's roots (their contexts, tables, globals). */
static void store_link(w2n_instance *ctx) {
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(ctx)->store);
  w2n_instance_priv *priv = w2n__hdr(ctx)->runtime_data;
  priv->prev = NULL;
  priv->next = s->instances;
  if (s->instances) ((w2n_instance_priv *)w2n__hdr(s->instances)->runtime_data)->prev = ctx;
  s->instances = ctx;
  priv->listed = 1;
}

static void store_unlink(w2n_instance *ctx) {
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(ctx)->store);
  w2n_instance_priv *priv = w2n__hdr(ctx)->runtime_data;
  if (!priv || !priv->listed) return;
  if (priv->prev) ((w2n_instance_priv *)w2n__hdr(priv->prev)->runtime_data)->next = priv->next;
  else s->instances = priv->next;
  if (priv->next) ((w2n_instance_priv *)w2n__hdr(priv->next)->runtime_data)->prev = priv->prev;
  priv->listed = 0;
}

static void free_context(w2n_instance *ctx) {
  w2n_instance_priv *priv = w2n__hdr(ctx)->runtime_data;
  store_unlink(ctx);
  if (priv) {
    for (w2n_owned *o = priv->owned, *next; o; o = next) {
      next = o->next;
      free(o);
    }
    free(priv);
  }
  free(ctx);
}

static void init_thunk(void *p) {
  w2n_instance *ctx = p;
  w2n__mod(ctx)->init(ctx);
}

w2n_instance *w2n_instantiate(w2n_store *store, const w2n_module *m, w2n_resolve_fn resolve, void *user,
                              w2n_error *err) {
  if (!store || !m) {
    w2n__error_set(err, W2N_TRAP_NONE, "w2n_instantiate: null store or module");
    return NULL;
  }
  if (m->abi_version != W2N_ABI_VERSION) {
    w2n__error_set(err, W2N_TRAP_NONE, "module %s was compiled for runtime ABI %u, this runtime is ABI %u",
                   m->name ? m->name : "(unnamed)", m->abi_version, W2N_ABI_VERSION);
    return NULL;
  }
  if (m->layout.size < W2N_CONTEXT_HEADER_SIZE) {
    w2n__error_set(err, W2N_TRAP_NONE, "module descriptor has a bad context layout");
    return NULL;
  }
  if (w2n__register_code(m) != 0) {
    w2n__error_set(err, W2N_TRAP_NONE, "cannot register the code of module %s: too many modules loaded",
                   m->name ? m->name : "(unnamed)");
    return NULL;
  }

  w2n_store_impl *simpl = w2n__store_impl(store);
  uint32_t nmem = m->num_memories - m->num_imported_memories;
  uint32_t ntab = m->num_tables - m->num_imported_tables;
  if (check_counts(simpl, nmem, ntab, err) != 0) return NULL;

  size_t size = ((size_t)m->layout.size + 15) & ~(size_t)15;
  w2n_instance *ctx = NULL;
  if (posix_memalign((void **)&ctx, 16, size) != 0) ctx = NULL;
  w2n_instance_priv *priv = calloc(1, sizeof *priv);
  if (!ctx || !priv) {
    free(ctx);
    free(priv);
    w2n__error_set(err, W2N_TRAP_NONE, "out of memory creating an instance");
    return NULL;
  }
  memset(ctx, 0, size);
  w2n_context_header *hdr = w2n__hdr(ctx);
  hdr->store = store;
  hdr->module = m;
  hdr->runtime_data = priv;

  if (w2n__resolve_types(ctx) != 0) {
    w2n__error_set(err, W2N_TRAP_NONE, "out of memory creating the runtime types of module %s",
                   m->name ? m->name : "(unnamed)");
    free_context(ctx);
    return NULL;
  }
  const uint32_t *type_ids = w2n__type_ids(ctx);
  /* Value-type codes in this instance's canonical ids: what its global exports show, and what
   * import matching compares (w2n__resolve_code). */
  priv->global_codes = w2n__instance_alloc(ctx, ((size_t)m->num_globals + 1) * sizeof(char *));
  int codes_ok = priv->global_codes != NULL;
  for (uint32_t i = 0; codes_ok && i < m->num_globals; i++) {
    priv->global_codes[i] = w2n__resolve_code(ctx, m->globals[i].valtype);
    codes_ok = priv->global_codes[i] || !m->globals[i].valtype;
  }
  if (!codes_ok) {
    w2n__error_set(err, W2N_TRAP_NONE, "out of memory creating an instance");
    free_context(ctx);
    return NULL;
  }

  /* Imports: all resolved and checked before anything observable happens. */
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const w2n_import_desc *imp = &m->imports[i];
    w2n_extern ext;
    memset(&ext, 0, sizeof ext);
    if (!resolve || resolve(user, ctx, imp, &ext) != 0) {
      w2n__error_set(err, W2N_TRAP_NONE, "unknown import: %s.%s", imp->module, imp->name);
      free_context(ctx);
      return NULL;
    }
    if (bind_import(ctx, imp, &ext) != 0) {
      w2n__error_set(err, W2N_TRAP_NONE, "incompatible import type: %s.%s", imp->module, imp->name);
      free_context(ctx);
      return NULL;
    }
  }

  /* Defined memories and tables. */
  w2n_memory *mems = w2n__region(ctx, m->layout.def_memories);
  w2n_table *tabs = w2n__region(ctx, m->layout.def_tables);
  for (uint32_t i = 0; i < nmem; i++) {
    if (w2n__memory_create(&mems[i], &m->memories[i], &simpl->limits, err) != 0) {
      destroy_defined(ctx, i, 0);
      free_context(ctx);
      return NULL;
    }
    w2n__memories(ctx)[m->num_imported_memories + i] = &mems[i];
  }
  for (uint32_t i = 0; i < ntab; i++) {
    w2n_limits_desc desc = m->tables[i];
    desc.valtype = w2n__resolve_code(ctx, desc.valtype); /* NULL (no memory): no exact type */
    if (w2n__table_create(&tabs[i], &desc, &simpl->limits, err) != 0) {
      destroy_defined(ctx, nmem, i);
      free_context(ctx);
      return NULL;
    }
    w2n__tables(ctx)[m->num_imported_tables + i] = &tabs[i];
  }

  /* From here on the instance counts against the store's limits, until w2n_instance_free (or for
   * ever, if its init traps). */
  simpl->num_instances++;
  simpl->num_memories += nmem;
  simpl->num_tables += ntab;
  /* Its context and tables are GC roots from before its init runs (which may allocate) until it
   * is freed; an instance whose init traps stays alive and listed (its functions may run later). */
  store_link(ctx);

  /* Defined globals: cells in the context (the init writes their values). */
  w2n_value *cells = w2n__region(ctx, m->layout.def_globals);
  for (uint32_t i = m->num_imported_globals; i < m->num_globals; i++)
    w2n__globals(ctx)[i] = &cells[i - m->num_imported_globals];

  /* Defined tags: records in the context; their address is their identity. */
  w2n_tag *tag_recs = w2n__region(ctx, m->layout.def_tags);
  for (uint32_t i = m->num_imported_tags; i < m->num_tags; i++) {
    uint32_t t = m->tag_types[i];
    tag_recs[i - m->num_imported_tags].type_id = t < m->num_types ? type_ids[t] : UINT32_MAX;
    w2n__tags(ctx)[i] = &tag_recs[i - m->num_imported_tags];
  }

  /* Defined functions: every record is filled (exports may hand one out); only referenced ones get
   * their slot. */
  w2n_func *recs = w2n__region(ctx, m->layout.def_funcs);
  for (uint32_t i = m->num_imported_funcs; i < m->num_funcs; i++) {
    w2n_func *f = &recs[i - m->num_imported_funcs];
    uint32_t t = m->func_types[i];
    f->code = m->func_code[i];
    f->ctx = ctx;
    f->type_id = t < m->num_types ? type_ids[t] : UINT32_MAX;
    f->func_index = i;
    f->array_call = m->type_array_calls && t < m->num_types ? m->type_array_calls[t] : NULL;
    if (m->func_referenced && m->func_referenced[i]) w2n__funcs(ctx)[i] = f;
  }

  if (m->init) {
    if (w2n__protected_call(store, init_thunk, ctx, err) != 0) {
      /* Kept alive on purpose: see the ownership note at the top. */
      return NULL;
    }
  }
  return ctx;
}

void w2n_instance_free(w2n_instance *inst) {
  if (!inst) return;
  const w2n_module *m = w2n__mod(inst);
  uint32_t nmem = m->num_memories - m->num_imported_memories;
  uint32_t ntab = m->num_tables - m->num_imported_tables;
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(inst)->store);
  s->num_instances--;
  s->num_memories -= nmem;
  s->num_tables -= ntab;
  destroy_defined(inst, nmem, ntab);
  free_context(inst);
}

int w2n_instance_export(w2n_instance *inst, const char *name, w2n_extern *out) {
  if (!name) return -1;
  return w2n_instance_export_n(inst, name, strlen(name), out);
}

int w2n_instance_export_n(w2n_instance *inst, const char *name, size_t len, w2n_extern *out) {
  if (!inst || !name || !out) return -1;
  const w2n_module *m = w2n__mod(inst);
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const w2n_export_desc *e = &m->exports[i];
    if (e->name_len != len || memcmp(e->name, name, len) != 0) continue;
    memset(out, 0, sizeof *out);
    out->kind = e->kind;
    switch (e->kind) {
    case W2N_EXTERN_FUNC: {
      if (e->index >= m->num_funcs) return -1;
      w2n_func *f = w2n__funcs(inst)[e->index];
      if (!f && e->index >= m->num_imported_funcs) {
        /* Not marked referenced by the compiler: its record is filled all the same. */
        f = &((w2n_func *)w2n__region(inst, m->layout.def_funcs))[e->index - m->num_imported_funcs];
      }
      out->of.func = f;
      return f ? 0 : -1;
    }
    case W2N_EXTERN_TABLE:
      if (e->index >= m->num_tables) return -1;
      out->of.table = w2n__tables(inst)[e->index];
      return 0;
    case W2N_EXTERN_MEMORY:
      if (e->index >= m->num_memories) return -1;
      out->of.memory = w2n__memories(inst)[e->index];
      return 0;
    case W2N_EXTERN_GLOBAL:
      if (e->index >= m->num_globals) return -1;
      out->of.global.cell = w2n__globals(inst)[e->index];
      out->of.global.type = m->globals[e->index].type;
      out->of.global.mutable_ = m->globals[e->index].mutable_;
      out->of.global.valtype = ((w2n_instance_priv *)w2n__hdr(inst)->runtime_data)->global_codes[e->index];
      return 0;
    case W2N_EXTERN_TAG:
      if (e->index >= m->num_tags) return -1;
      out->of.tag = w2n__tags(inst)[e->index];
      return 0;
    default:
      return -1;
    }
  }
  return -1;
}
