/*
 * Parameters: every tunable of the model is declared once, in a table of its
 * module (name, type, default, range or choices, unit, help).  A struct cfg
 * holds one value per declared parameter; it is filled from defaults, config
 * files ("key = value", "# comment", "include FILE") and "--set name=value",
 * and validated on every assignment.  Hot paths never read a cfg: modules
 * copy what they need into their own structs when they are created.
 */
#ifndef BASE_PARAMS_H
#define BASE_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum param_type {
	PARAM_INT,      /* integer in [lo, hi] */
	PARAM_SIZE,     /* byte count in [lo, hi]; accepts K, M, G suffixes (powers of 1024) */
	PARAM_REAL,     /* real number in [lo, hi] */
	PARAM_BOOL,     /* true/false, yes/no, on/off, 1/0 */
	PARAM_CHOICE,   /* one of the comma-separated words in choices */
	PARAM_STR,      /* free text (a path, a name) */
};

struct param_def {
	const char *name;       /* dotted, lower-case: "machine.l2.size" */
	enum param_type type;
	const char *dflt;       /* default, as text; parsed like any other value */
	double lo, hi;          /* inclusive range for INT, SIZE, REAL */
	const char *choices;    /* PARAM_CHOICE: "a,b,c" */
	const char *unit;       /* "bytes", "ns", "cycles", "" */
	const char *help;       /* one line; for calibration values, the source */
};

struct param_table {
	const char *area;               /* "machine", "trace", ... */
	const struct param_def *defs;
	size_t n;
};

typedef struct cfg cfg;

/* Create and free: tables is a NULL-terminated list; every parameter gets its
 * default.  Fails (SIM_EINTERNAL) on a duplicate name or a default that does
 * not parse: a bug in a table, caught by the tests. */
int cfg_new(cfg **out, const struct param_table *const *tables, struct sim_err *err);
void cfg_free(cfg *c);
int cfg_copy(cfg **out, const cfg *c, struct sim_err *err);

/* Assign: name and value are validated; origin ("--set", "flash8.conf:3")
 * prefixes the error message.  An unknown name is answered with the closest
 * known names; a bad value with the allowed range or choices. */
int cfg_set(cfg *c, const char *name, const char *value, const char *origin, struct sim_err *err);
int cfg_set_assignment(cfg *c, const char *assignment, const char *origin, struct sim_err *err);

/* Config files: a path, or the name of a shipped preset ("flash8").  Lines are
 * "key = value", "# comment" or "include FILE" (relative to the including
 * file, or a preset name); includes nest at most 16 deep. */
int cfg_load(cfg *c, const char *path_or_preset, struct sim_err *err);
/* The same syntax from memory, includes not allowed (trace headers). */
int cfg_parse_text(cfg *c, const char *text, size_t len, const char *origin, struct sim_err *err);

/* Read values; the name must be declared (asserted): these are for set-up code. */
int64_t cfg_int(const cfg *c, const char *name);     /* INT, SIZE, BOOL; CHOICE: index */
double cfg_real(const cfg *c, const char *name);     /* INT, SIZE, REAL */
const char *cfg_str(const cfg *c, const char *name); /* the value as text (canonical form) */
int cfg_has(const cfg *c, const char *name);

/* Iterate, in name order. */
size_t cfg_count(const cfg *c);
const struct param_def *cfg_def(const cfg *c, size_t i);
const char *cfg_value(const cfg *c, size_t i);
int cfg_is_default(const cfg *c, size_t i);
long cfg_find(const cfg *c, const char *name);   /* index, or -1 */
/* 1 if name was assigned (cfg_set, a config file, a trace's header), even to
 * its default value; 0 if it holds the default it was created with.  For
 * defaults that follow another value unless the user gives one. */
int cfg_is_set(const cfg *c, const char *name);

/* "key = value\n" lines for every parameter (all != 0) or the changed ones;
 * malloc'd, NUL-terminated; NULL on out of memory. */
char *cfg_dump(const cfg *c, int all);

/* Levenshtein distance between two names, for "did you mean" answers. */
size_t sim_edit_distance(const char *a, const char *b);

/* A 64-bit hash of every value: equal configurations hash alike. */
uint64_t cfg_hash(const cfg *c);

/* Parse a size with an optional K/M/G suffix ("32K", "1M", "4096"). */
int param_parse_size(const char *s, int64_t *out);

/* Where shipped data files live: kind is a folder of data ("presets",
 * "workloads").  Looks in $DISCO_DATA/kind, <binary>/../share/disco/kind,
 * then the folder of the source tree its module declared with
 * sim_data_source.  Writes the path of kind/name(.ext) into buf if the file
 * exists; returns 0, or SIM_EINVAL with the places searched in err. */
int sim_find_data(const char *kind, const char *name, const char *ext,
		  char *buf, size_t bufsize, struct sim_err *err);
/* The module that ships data of a kind says where, relative to the source
 * tree (such as machine/presets), so that base/ names no folder above it; called
 * before main (a constructor).  At most 8 kinds. */
void sim_data_source(const char *kind, const char *srcdir);

#endif
