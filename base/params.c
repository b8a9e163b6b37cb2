/*
 * Parameters and configurations; see params.h.
 *
 * A cfg keeps its definitions sorted by name (binary search on lookup) and one
 * value per definition: the canonical text (what cfg_dump writes and what
 * results carry as attributes) and the parsed number.  Every value in a cfg
 * has passed validation: (1) it parses as its type; (2) numbers lie in
 * [lo, hi]; (3) a choice is one of the listed words.
 */
#include "base/params.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/mem.h"

#define MAX_VALUE 256
#define MAX_INCLUDE_DEPTH 16

struct value {
	char text[MAX_VALUE];   /* canonical text */
	int64_t i;
	double r;
	int is_default;
	int is_set;             /* given by cfg_set (a file, a header, --set), not only the default */
};

struct cfg {
	size_t n;
	const struct param_def **defs;   /* sorted by name */
	struct value *vals;
};

static int by_name(const void *a, const void *b)
{
	const struct param_def *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

long cfg_find(const cfg *c, const char *name)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(c->defs[mid]->name, name);
		if (r == 0)
			return (long)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const char *type_name(enum param_type t)
{
	switch (t) {
	case PARAM_INT: return "integer";
	case PARAM_SIZE: return "size";
	case PARAM_REAL: return "number";
	case PARAM_BOOL: return "boolean";
	case PARAM_CHOICE: return "choice";
	case PARAM_STR: return "text";
	}
	return "?";
}

/* strtoll in base 10, or 16 after 0x: a leading zero is not octal (010 is
 * ten, as anyone writing a TLB size means). */
static long long dec_or_hex(const char *s, char **end)
{
	const char *p = s + (*s == '-' || *s == '+');
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return strtoll(s, end, 16);
	return strtoll(s, end, 10);
}

int param_parse_size(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t mul = 1;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '-')
		return SIM_EINVAL;
	errno = 0;
	v = dec_or_hex(s, &end);
	if (errno == ERANGE)
		return SIM_EINVAL;
	switch (toupper((unsigned char)*end)) {
	case 'K': mul = 1LL << 10; end++; break;
	case 'M': mul = 1LL << 20; end++; break;
	case 'G': mul = 1LL << 30; end++; break;
	case 'T': mul = 1LL << 40; end++; break;
	}
	if (mul > 1 && (*end == 'B' || *end == 'b'))
		end++;
	if (*end != '\0')
		return SIM_EINVAL;
	if (v > INT64_MAX / mul || v < INT64_MIN / mul)
		return SIM_EINVAL;
	*out = (int64_t)v * mul;
	return SIM_OK;
}

static void format_size(char *buf, size_t n, int64_t v)
{
	if (v != 0 && v % (1LL << 30) == 0)
		snprintf(buf, n, "%lldG", (long long)(v >> 30));
	else if (v != 0 && v % (1LL << 20) == 0)
		snprintf(buf, n, "%lldM", (long long)(v >> 20));
	else if (v != 0 && v % (1LL << 10) == 0)
		snprintf(buf, n, "%lldK", (long long)(v >> 10));
	else
		snprintf(buf, n, "%lld", (long long)v);
}

/* Index of word in a comma-separated list, or -1. */
static int choice_index(const char *choices, const char *word)
{
	size_t wl = strlen(word);
	int idx = 0;
	const char *p = choices;
	while (*p) {
		const char *q = strchr(p, ',');
		size_t l = q ? (size_t)(q - p) : strlen(p);
		if (l == wl && strncmp(p, word, l) == 0)
			return idx;
		idx++;
		if (!q)
			break;
		p = q + 1;
	}
	return -1;
}

static void range_text(const struct param_def *d, char *buf, size_t n)
{
	char a[64], b[64];
	switch (d->type) {
	case PARAM_INT:
		snprintf(buf, n, "an integer from %.0f to %.0f", d->lo, d->hi);
		break;
	case PARAM_SIZE:
		format_size(a, sizeof a, (int64_t)d->lo);
		format_size(b, sizeof b, (int64_t)d->hi);
		snprintf(buf, n, "a size from %s to %s (suffixes K, M, G)", a, b);
		break;
	case PARAM_REAL:
		snprintf(buf, n, "a number from %g to %g", d->lo, d->hi);
		break;
	case PARAM_BOOL:
		snprintf(buf, n, "true or false");
		break;
	case PARAM_CHOICE:
		snprintf(buf, n, "one of: %s", d->choices);
		break;
	case PARAM_STR:
		snprintf(buf, n, "any text up to %d characters", MAX_VALUE - 1);
		break;
	}
}

/* Parse text as d's type into v (canonical text included). */
static int parse_value(const struct param_def *d, const char *text, struct value *v,
		       struct sim_err *err)
{
	char allowed[256];
	char *end;
	size_t len = strlen(text);

	range_text(d, allowed, sizeof allowed);
	if (len >= MAX_VALUE)
		return sim_errf(err, SIM_EINVAL, "value for %s is too long (%zu characters)",
				d->name, len);
	switch (d->type) {
	case PARAM_INT: {
		long long x;
		errno = 0;
		x = dec_or_hex(text, &end);
		if (*text == '\0' || *end != '\0' || errno == ERANGE)
			goto bad;
		if ((double)x < d->lo || (double)x > d->hi)
			goto out_of_range;
		v->i = x;
		v->r = (double)x;
		snprintf(v->text, sizeof v->text, "%lld", x);
		break;
	}
	case PARAM_SIZE: {
		int64_t x;
		if (param_parse_size(text, &x) != SIM_OK)
			goto bad;
		if ((double)x < d->lo || (double)x > d->hi)
			goto out_of_range;
		v->i = x;
		v->r = (double)x;
		format_size(v->text, sizeof v->text, x);
		break;
	}
	case PARAM_REAL: {
		double x;
		errno = 0;
		x = strtod(text, &end);
		if (*text == '\0' || *end != '\0' || errno == ERANGE || !isfinite(x))
			goto bad;
		if (x < d->lo || x > d->hi)
			goto out_of_range;
		v->r = x;
		v->i = (int64_t)x;
		snprintf(v->text, sizeof v->text, "%.17g", x);
		/* integers as integers; others in the shortest text that reads
		 * back to the same double */
		if (x == floor(x) && fabs(x) < 1e15) {
			snprintf(v->text, sizeof v->text, "%.0f", x);
		} else {
			for (int prec = 1; prec <= 17; prec++) {
				char t[64];
				snprintf(t, sizeof t, "%.*g", prec, x);
				if (strtod(t, NULL) == x) {
					snprintf(v->text, sizeof v->text, "%s", t);
					break;
				}
			}
		}
		break;
	}
	case PARAM_BOOL:
		if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") ||
		    !strcasecmp(text, "on") || !strcmp(text, "1"))
			v->i = 1;
		else if (!strcasecmp(text, "false") || !strcasecmp(text, "no") ||
			 !strcasecmp(text, "off") || !strcmp(text, "0"))
			v->i = 0;
		else
			goto bad;
		v->r = (double)v->i;
		snprintf(v->text, sizeof v->text, "%s", v->i ? "true" : "false");
		break;
	case PARAM_CHOICE: {
		int k = choice_index(d->choices, text);
		if (k < 0)
			return sim_errf(err, SIM_EINVAL, "%s: '%s' is not allowed; %s",
					d->name, text, allowed);
		v->i = k;
		v->r = k;
		snprintf(v->text, sizeof v->text, "%s", text);
		break;
	}
	case PARAM_STR:
		v->i = 0;
		v->r = 0;
		snprintf(v->text, sizeof v->text, "%s", text);
		break;
	}
	return SIM_OK;
bad:
	return sim_errf(err, SIM_EINVAL, "%s: '%s' is not a valid %s; expected %s",
			d->name, text, type_name(d->type), allowed);
out_of_range:
	return sim_errf(err, SIM_EINVAL, "%s: %s is out of range; expected %s",
			d->name, text, allowed);
}

int cfg_new(cfg **out, const struct param_table *const *tables, struct sim_err *err)
{
	size_t n = 0, k = 0;
	cfg *c;

	*out = NULL;
	for (size_t t = 0; tables && tables[t]; t++)
		n += tables[t]->n;
	c = sim_calloc(1, sizeof *c);
	if (!c)
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a configuration");
	c->defs = sim_calloc(n, sizeof *c->defs);
	c->vals = sim_calloc(n, sizeof *c->vals);
	if (!c->defs || !c->vals) {
		cfg_free(c);
		return sim_errf(err, SIM_ENOMEM, "out of memory creating a configuration");
	}
	for (size_t t = 0; tables && tables[t]; t++)
		for (size_t i = 0; i < tables[t]->n; i++)
			c->defs[k++] = &tables[t]->defs[i];
	c->n = n;
	qsort(c->defs, n, sizeof *c->defs, by_name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(c->defs[i - 1]->name, c->defs[i]->name) == 0) {
			sim_errf(err, SIM_EINTERNAL, "parameter %s is declared twice",
				 c->defs[i]->name);
			cfg_free(c);
			return SIM_EINTERNAL;
		}
		if (parse_value(c->defs[i], c->defs[i]->dflt, &c->vals[i], err) != SIM_OK) {
			sim_err_prefix(err, "bad default in the parameter table");
			cfg_free(c);
			return SIM_EINTERNAL;
		}
		c->vals[i].is_default = 1;
		c->vals[i].is_set = 0;
	}
	*out = c;
	return SIM_OK;
}

void cfg_free(cfg *c)
{
	if (!c)
		return;
	sim_free(c->defs);
	sim_free(c->vals);
	sim_free(c);
}

int cfg_copy(cfg **out, const cfg *c, struct sim_err *err)
{
	cfg *d = sim_calloc(1, sizeof *d);
	*out = NULL;
	if (!d)
		return sim_errf(err, SIM_ENOMEM, "out of memory copying a configuration");
	d->n = c->n;
	d->defs = sim_calloc(c->n, sizeof *d->defs);
	d->vals = sim_calloc(c->n, sizeof *d->vals);
	if (!d->defs || !d->vals) {
		cfg_free(d);
		return sim_errf(err, SIM_ENOMEM, "out of memory copying a configuration");
	}
	memcpy(d->defs, c->defs, c->n * sizeof *d->defs);
	memcpy(d->vals, c->vals, c->n * sizeof *d->vals);
	*out = d;
	return SIM_OK;
}

/* Edit distance, for suggestions. */
size_t sim_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[128];
	if (lb >= 127 || la >= 127)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

/* Distance used for suggestions: the edit distance of the whole name, or of
 * the last dotted component when the prefix matches, whichever is smaller. */
static size_t suggest_score(const char *want, const char *have)
{
	size_t d = sim_edit_distance(want, have);
	const char *w = strrchr(want, '.'), *h = strrchr(have, '.');
	if (w && h) {
		size_t dd = sim_edit_distance(w + 1, h + 1) + 1;
		if (strncmp(want, have, (size_t)(w - want)) != 0)
			dd += 2;
		if (dd < d)
			d = dd;
	}
	return d;
}

static int unknown_name(const cfg *c, const char *name, struct sim_err *err)
{
	char list[512] = "";
	size_t used = 0, shown = 0;
	size_t limit = strlen(name) / 3 + 2;

	for (size_t pass = 0; pass <= limit && shown < 4; pass++)
		for (size_t i = 0; i < c->n && shown < 4; i++)
			if (suggest_score(name, c->defs[i]->name) == pass) {
				int w = snprintf(list + used, sizeof list - used, "%s%s",
						 shown ? ", " : "", c->defs[i]->name);
				if (w > 0 && (size_t)w < sizeof list - used)
					used += (size_t)w;
				shown++;
			}
	if (shown)
		return sim_errf(err, SIM_EINVAL, "unknown parameter '%s'; did you mean %s?",
				name, list);
	return sim_errf(err, SIM_EINVAL,
			"unknown parameter '%s'; 'disco params' lists them all", name);
}

int cfg_set(cfg *c, const char *name, const char *value, const char *origin, struct sim_err *err)
{
	long i = cfg_find(c, name);
	struct value v;
	int rc;

	if (i < 0)
		rc = unknown_name(c, name, err);
	else
		rc = parse_value(c->defs[i], value, &v, err);
	if (rc != SIM_OK) {
		if (origin)
			sim_err_prefix(err, "%s", origin);
		return rc;
	}
	{
		struct value dv;
		v.is_default = parse_value(c->defs[i], c->defs[i]->dflt, &dv, NULL) == SIM_OK &&
			       strcmp(dv.text, v.text) == 0;
	}
	v.is_set = 1;
	c->vals[i] = v;
	return SIM_OK;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int cfg_set_assignment(cfg *c, const char *assignment, const char *origin, struct sim_err *err)
{
	char buf[512];
	char *eq, *name, *value;

	if (strlen(assignment) >= sizeof buf)
		return sim_errf(err, SIM_EINVAL, "%s: assignment too long", origin ? origin : "");
	snprintf(buf, sizeof buf, "%s", assignment);
	eq = strchr(buf, '=');
	if (!eq)
		return sim_errf(err, SIM_EINVAL, "%s%s'%s' is not of the form name=value",
				origin ? origin : "", origin ? ": " : "", assignment);
	*eq = '\0';
	name = trim(buf);
	value = trim(eq + 1);
	return cfg_set(c, name, value, origin, err);
}

/* One line of a config file or text; include handled by the caller. */
static int parse_line(cfg *c, char *line, const char *where, struct sim_err *err)
{
	char *hash = strchr(line, '#');
	char *s;
	if (hash)
		*hash = '\0';
	s = trim(line);
	if (*s == '\0')
		return SIM_OK;
	if (!strchr(s, '='))
		return sim_errf(err, SIM_EINVAL, "%s: expected 'name = value', got '%s'", where, s);
	return cfg_set_assignment(c, s, where, err);
}

int cfg_parse_text(cfg *c, const char *text, size_t len, const char *origin, struct sim_err *err)
{
	size_t pos = 0;
	long lineno = 0;
	while (pos < len) {
		char line[1024], where[512];
		size_t e = pos;
		while (e < len && text[e] != '\n')
			e++;
		lineno++;
		if (e - pos >= sizeof line)
			return sim_errf(err, SIM_EINVAL, "%s:%ld: line too long", origin, lineno);
		memcpy(line, text + pos, e - pos);
		line[e - pos] = '\0';
		if (memchr(line, '\0', e - pos))
			return sim_errf(err, SIM_EINVAL, "%s:%ld: NUL byte in text", origin, lineno);
		snprintf(where, sizeof where, "%s:%ld", origin, lineno);
		{
			char *s = trim(line);
			if (strncmp(s, "include", 7) == 0 && isspace((unsigned char)s[7]))
				return sim_errf(err, SIM_EINVAL, "%s: include is not allowed here",
						where);
			int rc = parse_line(c, s, where, err);
			if (rc != SIM_OK)
				return rc;
		}
		pos = e + 1;
	}
	return SIM_OK;
}

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

/* The files an include chain is reading, outermost first: a file met again
 * is a cycle, named as one. */
struct include_chain {
	dev_t dev[MAX_INCLUDE_DEPTH + 1];
	ino_t ino[MAX_INCLUDE_DEPTH + 1];
};

/* A config line: at most 1023 bytes, no NUL; the first line may start with a
 * UTF-8 byte-order mark, which is skipped.  Returns SIM_OK with *s set, 1 at
 * the end of the file, or an error. */
static int read_line(FILE *f, char **buf, size_t *cap, long lineno, const char *where,
		     char **s, struct sim_err *err)
{
	ssize_t n = getline(buf, cap, f);
	if (n < 0)
		return 1;
	if (memchr(*buf, '\0', (size_t)n))
		return sim_errf(err, SIM_EINVAL, "%s: a NUL byte (not a text file?)", where);
	if (n >= 1024)
		return sim_errf(err, SIM_EINVAL, "%s: line too long (%zd bytes; at most 1023)",
				where, n);
	*s = *buf;
	if (lineno == 1 && memcmp(*s, "\xef\xbb\xbf", 3) == 0)
		*s += 3;
	*s = trim(*s);
	return SIM_OK;
}

/* Where an include line's argument points: `target` gets the path. */
static int include_target(const char *path, char *arg, const char *where, char *target,
			  size_t size, struct sim_err *err)
{
	char *hash = strchr(arg, '#');
	if (hash) {
		*hash = '\0';
		arg = trim(arg);
	}
	if (arg[0] != '/' && strchr(arg, '/')) {
		const char *slash = strrchr(path, '/');
		int dl = slash ? (int)(slash - path) : 1;
		snprintf(target, size, "%.*s/%s", dl, slash ? path : ".", arg);
	} else if (arg[0] == '/') {
		snprintf(target, size, "%s", arg);
	} else {
		/* a bare name: beside the including file, else a preset */
		const char *slash = strrchr(path, '/');
		if (slash)
			snprintf(target, size, "%.*s/%s", (int)(slash - path), path, arg);
		else
			snprintf(target, size, "%s", arg);
		if (!file_exists(target) &&
		    sim_find_data("presets", arg, ".conf", target, size, NULL) != SIM_OK)
			return sim_errf(err, SIM_EINVAL, "%s: include '%s': no such file or preset",
					where, arg);
	}
	return SIM_OK;
}

static int load_file(cfg *c, const char *path, int depth, struct include_chain *chain,
		     struct sim_err *err)
{
	struct stat st;
	int fd;
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = SIM_OK, seen = 0;

	if (depth > MAX_INCLUDE_DEPTH)
		return sim_errf(err, SIM_EINVAL, "%s: includes nest more than %d deep",
				path, MAX_INCLUDE_DEPTH);
	/* O_NONBLOCK: a FIFO must not block the open; only regular files are read */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return sim_errf(err, SIM_EINVAL, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sim_errf(err, SIM_EINVAL, "%s: not a regular file", path);
	}
	for (int i = 0; i < depth; i++)
		if (chain->dev[i] == st.st_dev && chain->ino[i] == st.st_ino) {
			close(fd);
			return sim_errf(err, SIM_EINVAL, "%s: an include cycle (the file includes "
					"itself%s)", path, i + 1 < depth ? " through others" : "");
		}
	chain->dev[depth] = st.st_dev;
	chain->ino[depth] = st.st_ino;
	fcntl(fd, F_SETFL, 0);
	if (!(f = fdopen(fd, "r"))) {
		close(fd);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		char where[600], *s = NULL;
		lineno++;
		snprintf(where, sizeof where, "%s:%ld", path, lineno);
		if ((rc = read_line(f, &buf, &cap, lineno, where, &s, err)) != SIM_OK) {
			if (rc == 1)
				rc = SIM_OK;
			break;
		}
		if (strncmp(s, "include", 7) == 0 && isspace((unsigned char)s[7])) {
			char target[700];
			rc = include_target(path, trim(s + 8), where, target, sizeof target, err);
			if (rc != SIM_OK)
				break;
			rc = load_file(c, target, depth + 1, chain, err);
			if (rc != SIM_OK) {
				sim_err_prefix(err, "included from %s", where);
				break;
			}
			seen = 1;
			continue;
		}
		/* a first line that is no assignment, nor a name and a value with
		 * the '=' missing: the wrong file, its contents not repeated */
		if (!seen && *s && *s != '#' && !strchr(s, '=') &&
		    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+- \t")
		    != strlen(s)) {
			rc = sim_errf(err, SIM_EINVAL, "%s: not a configuration file (expected "
				      "'name = value' lines)", where);
			break;
		}
		rc = parse_line(c, s, where, err);
		if (rc != SIM_OK)
			break;
		seen = seen || (*s && *s != '#');
	}
	if (rc == SIM_OK && ferror(f))
		rc = sim_errf(err, SIM_EIO, "%s: read error: %s", path, strerror(errno));
	free(buf);
	fclose(f);
	return rc;
}

int cfg_load(cfg *c, const char *path_or_preset, struct sim_err *err)
{
	struct include_chain chain;
	char path[4096];
	if (file_exists(path_or_preset) || strchr(path_or_preset, '/'))
		return load_file(c, path_or_preset, 0, &chain, err);
	if (sim_find_data("presets", path_or_preset, ".conf", path, sizeof path, err) != SIM_OK) {
		const char *looked = err ? strstr(err->msg, "(looked in") : NULL;
		char where[SIM_ERR_MSG];
		snprintf(where, sizeof where, "%s", looked ? looked : "");
		return sim_errf(err, SIM_EINVAL, "%s: no such file, and no preset of that name %s",
				path_or_preset, where);
	}
	return load_file(c, path, 0, &chain, err);
}

static long find_checked(const cfg *c, const char *name)
{
	long i = cfg_find(c, name);
	assert(i >= 0 && "cfg: parameter not declared");
	if (i < 0)
		abort();
	return i;
}

int64_t cfg_int(const cfg *c, const char *name) { return c->vals[find_checked(c, name)].i; }
double cfg_real(const cfg *c, const char *name) { return c->vals[find_checked(c, name)].r; }
const char *cfg_str(const cfg *c, const char *name) { return c->vals[find_checked(c, name)].text; }
int cfg_has(const cfg *c, const char *name) { return cfg_find(c, name) >= 0; }
size_t cfg_count(const cfg *c) { return c->n; }
const struct param_def *cfg_def(const cfg *c, size_t i) { return c->defs[i]; }
const char *cfg_value(const cfg *c, size_t i) { return c->vals[i].text; }
int cfg_is_default(const cfg *c, size_t i) { return c->vals[i].is_default; }

int cfg_is_set(const cfg *c, const char *name)
{
	long i = cfg_find(c, name);
	return i >= 0 && c->vals[i].is_set;
}

char *cfg_dump(const cfg *c, int all)
{
	size_t cap = 64, len = 0;
	char *out;
	for (size_t i = 0; i < c->n; i++)
		cap += strlen(c->defs[i]->name) + strlen(c->vals[i].text) + 4;
	out = sim_malloc(cap);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < c->n; i++) {
		if (!all && c->vals[i].is_default)
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s = %s\n", c->defs[i]->name,
					c->vals[i].text);
	}
	return out;
}

uint64_t cfg_hash(const cfg *c)
{
	XXH3_state_t *st = XXH3_createState();
	uint64_t h;
	if (!st)
		return 0;
	XXH3_64bits_reset(st);
	for (size_t i = 0; i < c->n; i++) {
		XXH3_64bits_update(st, c->defs[i]->name, strlen(c->defs[i]->name) + 1);
		XXH3_64bits_update(st, c->vals[i].text, strlen(c->vals[i].text) + 1);
	}
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

static struct { const char *kind, *srcdir; } data_sources[8];

void sim_data_source(const char *kind, const char *srcdir)
{
	for (size_t i = 0; i < sizeof data_sources / sizeof data_sources[0]; i++)
		if (!data_sources[i].kind) {
			data_sources[i].kind = kind;
			data_sources[i].srcdir = srcdir;
			return;
		}
}

/* Data directories, in order: $DISCO_DATA; <dir of the binary>/../share/disco
 * (an installed tree); the source tree the binary was built from. */
int sim_find_data(const char *kind, const char *name, const char *ext,
		  char *buf, size_t bufsize, struct sim_err *err)
{
	char exe[4096], places[3][4096];
	const char *srcsub = NULL;
	const char *env = getenv("DISCO_DATA");
	const char *hasext = strrchr(name, '.');
	const char *e = (hasext && ext && strcmp(hasext, ext) == 0) ? "" : (ext ? ext : "");
	int np = 0;
	ssize_t n;

	if (env && *env)
		snprintf(places[np++], sizeof places[0], "%s/%s", env, kind);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(places[np++], sizeof places[0], "%.3000s/../share/disco/%s", exe, kind);
		}
	}
	for (size_t i = 0; i < sizeof data_sources / sizeof data_sources[0] && !srcsub; i++)
		if (data_sources[i].kind && !strcmp(data_sources[i].kind, kind))
			srcsub = data_sources[i].srcdir;
#ifdef DISCO_SRCDIR
	if (srcsub)
		snprintf(places[np++], sizeof places[0], "%s/%s", DISCO_SRCDIR, srcsub);
#else
	(void)srcsub;
#endif
	for (int i = 0; i < np; i++) {
		snprintf(buf, bufsize, "%.3500s/%.200s%s", places[i], name, e);
		if (file_exists(buf))
			return SIM_OK;
	}
	return sim_errf(err, SIM_EINVAL, "no %s named '%s' (looked in %s%s%s%s%s)", kind, name,
			np > 0 ? places[0] : "", np > 1 ? ", " : "", np > 1 ? places[1] : "",
			np > 2 ? ", " : "", np > 2 ? places[2] : "");
}
