/*
 * NOTES ON THE IMPORTERS
 *
 * Definitions.  An input reference is what a real program did: an
 * instruction fetch at a virtual PC, or a load or store of some bytes at a
 * virtual address (64-bit, one address space).  The builder turns them into
 * the records of stream 0 of a trace, in input order:
 *   - ASID 1 first; then, before the first record that touches a virtual
 *     page, PAGE_ALLOC (category user) and PTE_SET (valid, write) giving it
 *     a guest physical page;
 *   - consecutive sequential fetches (the reader says which are: din and
 *     lackey by address + size, ChampSim by "not after a taken branch") as
 *     one INSN run of count instructions at the first PC.  A data reference
 *     ends the run (it belongs to the run's last instruction);
 *   - each data reference as a LOAD or STORE; lackey's M (modify) is a load
 *     then a store.
 *
 * Page colours.  A guest physical page keeps its virtual page's colour:
 * gppn mod ncolours = vpn mod ncolours, where ncolours = machine.l2.size /
 * (machine.l2.ways * machine.page_size), the pages one L2 way holds.  So a
 * physically indexed L2 sees the conflicts the program's virtual layout
 * gives it (as with page colouring in IRIX), not an artefact of the order of
 * first touches.  Pages of one colour are handed out in order: the k-th page
 * of colour c is k * ncolours + c.  Under the monitor the machine page is the
 * placement policy's choice, as for any guest.
 *
 * Boundaries.  A data reference that crosses an L1 data line
 * (machine.l1d.line) or a page is split at the boundary into references of
 * the same kind, so each line and each page it touches is referenced (and
 * mapped).  A piece is at most 255 bytes (the record's size field).  An
 * instruction run is replayed as 4 bytes per instruction from its first PC;
 * every page of that range is mapped before the run.
 *
 * Invariants.
 *   (1) Every record that references a virtual page comes after the PTE_SET
 *       that maps it; a page is mapped once and never unmapped.
 *   (2) A mapped page's gppn has its vpn's colour, and gppn < the VM's pages
 *       less the page-table pool (guest.pt_pool_pages).
 *   (3) Record order is input order, except that fetches folded into a run
 *       come before the run's data references, which are the run's last
 *       instruction's.
 *
 * Interface: cap_import_open(), one or more cap_import_din/lackey/champsim(),
 * cap_import_close() or cap_import_abandon().
 */
#include "capture/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "capture/import_int.h"
#include "traces/trace.h"

#define IMP_BUF 4096                 /* records per trc_write */
#define IMP_RUN_MAX (1u << 20)       /* longest instruction run folded */
#define IMP_PROGRESS (1u << 22)      /* input references between progress calls */
#define IMP_ASID 1

struct cap_import {
	trc_writer *w;
	unsigned pshift;
	uint64_t line;                   /* split unit for data references, a power of two */
	uint64_t ncolours;
	uint64_t *next;                  /* [ncolours]: pages of each colour handed out */
	uint64_t usable;                 /* guest pages that may be handed out */
	/* mapped virtual pages: open addressing, key vpn + 1, 0 = empty */
	uint64_t *set;
	size_t set_cap, set_n;
	uint64_t last_vpn;               /* vpn + 1 of the last page found mapped, 0 none */
	/* the current instruction run (run_n = 0: none) */
	uint64_t run_pc, run_n;
	struct trc_rec buf[IMP_BUF];
	size_t nbuf;
	struct cap_import_stats st;
	cap_import_progress_fn progress;
	void *progress_ctx;
	uint64_t next_progress;
};

/* ---- parameters ---- */

static const struct param_def defs[] = {
	{ "import.format", PARAM_STR, "", 0, 0, NULL, "",
	  "imported traces: the input's format (din, lackey, champsim); empty for other traces" },
	{ "import.source", PARAM_STR, "", 0, 0, NULL, "",
	  "imported traces: the input file ('-': standard input)" },
	{ "import.program", PARAM_STR, "", 0, 0, NULL, "",
	  "imported traces: the program disco record ran" },
	{ "import.args", PARAM_STR, "", 0, 0, NULL, "",
	  "imported traces: its arguments, joined by spaces (cut to 200 characters)" },
};

const struct param_table import_param_table = { "import", defs, sizeof defs / sizeof defs[0] };

static const char *const format_names[] = { "din", "lackey", "champsim" };

const char *cap_import_format_name(int format)
{
	return format >= 0 && format < 3 ? format_names[format] : NULL;
}

int cap_import_format_parse(const char *s, int *format)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, format_names[i])) {
			*format = i;
			return 0;
		}
	return -1;
}

/* ---- the builder ---- */

static int flush_buf(cap_import *im, struct sim_err *err)
{
	int rc = SIM_OK;
	if (im->nbuf)
		rc = trc_write(im->w, 0, im->buf, im->nbuf, err);
	im->nbuf = 0;
	return rc;
}

static inline int push(cap_import *im, int type, unsigned aux, uint32_t id, uint64_t addr,
		       uint64_t val, struct sim_err *err)
{
	struct trc_rec *r;
	if (im->nbuf == IMP_BUF) {
		int rc = flush_buf(im, err);
		if (rc)
			return rc;
	}
	r = &im->buf[im->nbuf++];
	r->type = (uint8_t)type;
	r->flags = 0;
	r->aux = (uint16_t)aux;
	r->id = id;
	r->addr = addr;
	r->val = val;
	return SIM_OK;
}

static inline size_t slot(uint64_t vpn, size_t cap)
{
	return (size_t)((vpn * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static int set_grow(cap_import *im, struct sim_err *err)
{
	size_t cap = im->set_cap ? im->set_cap * 2 : 4096;
	uint64_t *s = sim_calloc(cap, sizeof *s);
	if (!s)
		return sim_errf(err, SIM_ENOMEM, "out of memory for the imported page table");
	for (size_t i = 0; i < im->set_cap; i++) {
		size_t j;
		if (!im->set[i])
			continue;
		for (j = slot(im->set[i] - 1, cap); s[j]; j = (j + 1) & (cap - 1))
			;
		s[j] = im->set[i];
	}
	sim_free(im->set);
	im->set = s;
	im->set_cap = cap;
	return SIM_OK;
}

/* Make sure vpn is mapped: at its first touch, a guest page of its colour
 * and the records that say so (keeps (1), (2)). */
static int map_page(cap_import *im, uint64_t vpn, struct sim_err *err)
{
	size_t j;
	uint64_t colour, gppn;
	int rc;

	if (vpn + 1 == im->last_vpn)
		return SIM_OK;
	if (vpn + 1 == 0)
		return sim_errf(err, SIM_EINVAL, "virtual page 0x%llx out of range", (unsigned long long)vpn);
	if (2 * (im->set_n + 1) > im->set_cap && (rc = set_grow(im, err)) != SIM_OK)
		return rc;
	for (j = slot(vpn, im->set_cap); im->set[j]; j = (j + 1) & (im->set_cap - 1))
		if (im->set[j] == vpn + 1) {
			im->last_vpn = vpn + 1;
			return SIM_OK;
		}
	colour = vpn % im->ncolours;
	gppn = im->next[colour] * im->ncolours + colour;
	if (gppn >= im->usable)
		return sim_errf(err, SIM_EINVAL,
				"the program touches more pages than the VM has (%llu pages of %llu bytes, "
				"%llu of colour %llu already given out); raise machine.mem.size "
				"(--set machine.mem.size=4G)",
				(unsigned long long)im->usable, 1ull << im->pshift,
				(unsigned long long)im->next[colour], (unsigned long long)colour);
	im->next[colour]++;
	im->set[j] = vpn + 1;
	im->set_n++;
	im->last_vpn = vpn + 1;
	im->st.pages++;
	if ((rc = push(im, TRC_PAGE_ALLOC, TRC_CAT_USER, 0, gppn, 0, err)) != SIM_OK)
		return rc;
	return push(im, TRC_PTE_SET, TRC_PROT_VALID | TRC_PROT_WRITE, IMP_ASID, vpn, gppn, err);
}

static int flush_run(cap_import *im, struct sim_err *err)
{
	uint64_t first, last;
	int rc;
	if (!im->run_n)
		return SIM_OK;
	first = im->run_pc >> im->pshift;
	last = im->run_pc + 4 * im->run_n - 1;
	last = (last < im->run_pc ? UINT64_MAX : last) >> im->pshift;   /* no wrap past 2^64 */
	for (uint64_t p = first;; p++) {
		if ((rc = map_page(im, p, err)) != SIM_OK)
			return rc;
		if (p == last)
			break;
	}
	rc = push(im, TRC_INSN, 0, (uint32_t)im->run_n, im->run_pc, 0, err);
	im->st.insns += im->run_n;
	im->st.runs++;
	im->run_n = 0;
	return rc;
}

int cap_imp_insn(cap_import *im, uint64_t pc, int sequential, struct sim_err *err)
{
	if (im->run_n && sequential && im->run_n < IMP_RUN_MAX) {
		im->run_n++;
		return SIM_OK;
	}
	if (im->run_n) {
		int rc = flush_run(im, err);
		if (rc)
			return rc;
	}
	im->run_pc = pc;
	im->run_n = 1;
	return SIM_OK;
}

int cap_imp_data(cap_import *im, int store, uint64_t addr, uint64_t size, struct sim_err *err)
{
	int rc;
	if (im->run_n && (rc = flush_run(im, err)) != SIM_OK)
		return rc;
	if (size == 0)
		size = 1;
	if (addr + size - 1 < addr)
		size = -addr;   /* the part below 2^64: addresses do not wrap */
	for (int piece = 0; size > 0; piece++) {
		uint64_t k = im->line - (addr & (im->line - 1));   /* to the end of the line */
		if (k > size)
			k = size;
		if (k > 255)
			k = 255;
		if (piece == 1)
			im->st.split++;
		if ((rc = map_page(im, addr >> im->pshift, err)) != SIM_OK)
			return rc;
		if ((rc = push(im, store ? TRC_STORE : TRC_LOAD, (unsigned)k, 0, addr, 0, err)) != SIM_OK)
			return rc;
		if (store)
			im->st.stores++;
		else
			im->st.loads++;
		addr += k;
		size -= k;
	}
	return SIM_OK;
}

void cap_imp_count(cap_import *im, uint64_t refs, uint64_t bytes, uint64_t skipped)
{
	im->st.input_refs += refs;
	im->st.input_bytes += bytes;
	im->st.skipped += skipped;
	if (im->progress && im->st.input_refs >= im->next_progress) {
		im->progress(im->progress_ctx, im->st.input_refs);
		im->next_progress = im->st.input_refs + IMP_PROGRESS;
	}
}

int cap_import_defaults(cfg *c, struct sim_err *err)
{
	/* one vCPU on one CPU; imported streams are long and regular, so they
	 * are compressed harder than a capture's: level 9 and 4 MB chunks take
	 * a real program's stream (gzip under lackey) from 0.164 to 0.127 bytes
	 * per reference at about 14 M references per second */
	int rc = cfg_set(c, "machine.cpus", "1", "import", err);
	if (!rc)
		rc = cfg_set(c, "trace.zstd_level", "9", "import", err);
	if (!rc)
		rc = cfg_set(c, "trace.chunk_size", "4M", "import", err);
	return rc;
}

void cap_import_set_progress(cap_import *im, cap_import_progress_fn fn, void *ctx)
{
	im->progress = fn;
	im->progress_ctx = ctx;
	im->next_progress = IMP_PROGRESS;
}

/* A header value: one line, no comment character, at most 200 characters. */
static void clean_value(char *dst, size_t n, const char *src)
{
	size_t k = 0;
	for (; *src && k + 1 < n; src++)
		dst[k++] = (*src == '#' || (unsigned char)*src < 0x20) ? '_' : *src;
	dst[k] = '\0';
	while (k > 0 && dst[k - 1] == ' ')
		dst[--k] = '\0';
}

static int set_origin(cfg *h, const struct cap_import_origin *o, struct sim_err *err)
{
	char v[201], args[201];
	const char *name = o->program ? o->program : o->source;
	int rc = cfg_set(h, "import.format", cap_import_format_name(o->format), "import", err);
	if (!rc && o->source) {
		clean_value(v, sizeof v, o->source);
		rc = cfg_set(h, "import.source", v, "import", err);
	}
	if (!rc && o->program) {
		clean_value(v, sizeof v, o->program);
		rc = cfg_set(h, "import.program", v, "import", err);
	}
	if (!rc && o->argv && o->argv[0]) {
		size_t k = 0;
		args[0] = '\0';
		for (const char *const *a = o->argv; *a && k < sizeof args - 1; a++)
			k += (size_t)snprintf(args + k, sizeof args - k, "%s%s", k ? " " : "", *a);
		clean_value(v, sizeof v, args);
		if (v[0])
			rc = cfg_set(h, "import.args", v, "import", err);
	}
	if (!rc && name && strcmp(name, "-")) {
		/* capture.workload: the program's or the file's base name */
		const char *b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		clean_value(v, sizeof v, b);
		if (v[0])
			rc = cfg_set(h, "capture.workload", v, "import", err);
	}
	return rc;
}

int cap_import_open(cap_import **out, const char *trace_path, const cfg *c,
		    const struct cap_import_origin *origin, struct sim_err *err)
{
	struct trc_write_opts wo = { 0 };
	cap_import *im;
	cfg *h = NULL;
	char *conf = NULL;
	uint64_t psize, vm, l2way;
	int rc;

	*out = NULL;
	if (!cap_import_format_name(origin->format))
		return sim_errf(err, SIM_EINTERNAL, "cap_import_open: bad format %d", origin->format);
	im = sim_calloc(1, sizeof *im);
	if (!im)
		return sim_errf(err, SIM_ENOMEM, "out of memory opening the importer");
	psize = (uint64_t)cfg_int(c, "machine.page_size");
	im->pshift = (unsigned)__builtin_ctzll(psize);
	im->line = (uint64_t)cfg_int(c, "machine.l1d.line");
	if (im->line & (im->line - 1))
		im->line = 16;   /* not a power of two: split at the smallest line there is */
	l2way = (uint64_t)cfg_int(c, "machine.l2.size") / (uint64_t)cfg_int(c, "machine.l2.ways");
	im->ncolours = l2way >= psize ? l2way / psize : 1;
	vm = (uint64_t)cfg_int(c, "vm.mem.size");
	if (vm == 0)
		vm = (uint64_t)cfg_int(c, "machine.mem.size");
	im->usable = vm / psize;
	im->usable = im->usable > (uint64_t)cfg_int(c, "guest.pt_pool_pages") ?
		     im->usable - (uint64_t)cfg_int(c, "guest.pt_pool_pages") : 0;
	im->next = sim_calloc((size_t)im->ncolours, sizeof *im->next);
	if (!im->next) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory opening the importer");
		goto out_free_im;
	}
	if ((rc = cfg_copy(&h, c, err)) != SIM_OK)
		goto out_free_im;
	if ((rc = set_origin(h, origin, err)) != SIM_OK)
		goto out_free_cfg;
	conf = cfg_dump(h, 0);
	if (!conf) {
		rc = sim_errf(err, SIM_ENOMEM, "out of memory opening the importer");
		goto out_free_cfg;
	}
	wo.nstreams = 1;
	wo.page_size = (uint32_t)psize;
	wo.config_text = conf;
	wo.chunk_size = (size_t)cfg_int(h, "trace.chunk_size");
	wo.zstd_level = (int)cfg_int(h, "trace.zstd_level");
	wo.background = 1;   /* parsing and the writer on two cores */
	if ((rc = trc_writer_open(&im->w, trace_path, &wo, err)) != SIM_OK)
		goto out_free_conf;
	if ((rc = push(im, TRC_ASID, 0, IMP_ASID, 0, 0, err)) != SIM_OK)
		goto out_abandon;
	sim_free(conf);
	cfg_free(h);
	*out = im;
	return SIM_OK;

out_abandon:
	trc_writer_abandon(im->w);
out_free_conf:
	sim_free(conf);
out_free_cfg:
	cfg_free(h);
out_free_im:
	sim_free(im->next);
	sim_free(im);
	return rc;
}

static void free_import(cap_import *im)
{
	sim_free(im->set);
	sim_free(im->next);
	sim_free(im);
}

int cap_import_close(cap_import *im, struct cap_import_stats *st, struct sim_err *err)
{
	int rc = flush_run(im, err);
	if (!rc)
		rc = flush_buf(im, err);
	if (!rc && im->st.input_refs == 0)
		rc = sim_errf(err, SIM_EINVAL, "no references in the input");
	if (rc) {
		cap_import_abandon(im);
		return rc;
	}
	if (st)
		*st = im->st;
	rc = trc_writer_close(im->w, err);
	free_import(im);
	return rc;
}

void cap_import_abandon(cap_import *im)
{
	if (!im)
		return;
	trc_writer_abandon(im->w);
	free_import(im);
}

/* ---- text input: din and lackey ---- */

#define LINE_BUF (1u << 20)
#define LINE_MAX_LEN 4096

struct lines {
	int fd;
	const char *name;
	char *buf;                /* [LINE_BUF + 1] */
	size_t beg, end;
	int eof;
	uint64_t lineno;
};

/* The next line, NUL-terminated, newline removed; *line = NULL at the end. */
static int next_line(struct lines *L, char **line, struct sim_err *err)
{
	for (;;) {
		char *nl = memchr(L->buf + L->beg, '\n', L->end - L->beg);
		ssize_t k;
		if (nl) {
			*nl = '\0';
			*line = L->buf + L->beg;
			L->beg = (size_t)(nl - L->buf) + 1;
			L->lineno++;
			return SIM_OK;
		}
		if (L->eof) {
			if (L->beg == L->end) {
				*line = NULL;
				return SIM_OK;
			}
			L->buf[L->end] = '\0';   /* a last line without a newline */
			*line = L->buf + L->beg;
			L->beg = L->end;
			L->lineno++;
			return SIM_OK;
		}
		if (L->end - L->beg > LINE_MAX_LEN)
			return sim_errf(err, SIM_EINVAL, "%s:%llu: line longer than %d bytes", L->name,
					(unsigned long long)L->lineno + 1, LINE_MAX_LEN);
		if (L->beg > 0) {
			memmove(L->buf, L->buf + L->beg, L->end - L->beg);
			L->end -= L->beg;
			L->beg = 0;
		}
		k = read(L->fd, L->buf + L->end, LINE_BUF - L->end);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return sim_errf(err, SIM_EIO, "%s: read failed after line %llu: %s", L->name,
					(unsigned long long)L->lineno, strerror(errno));
		if (k == 0)
			L->eof = 1;
		L->end += (size_t)k;
	}
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* A hexadecimal number (optional 0x) at *p; advances *p.  -1 if none or
 * more than 64 bits. */
static int parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0, d;
	if (s[0] == '0' && (s[1] | 0x20) == 'x' && hexval(s[2]) >= 0)
		s += 2;
	while (s[0] == '0' && hexval(s[1]) >= 0)
		s++;
	for (; (d = hexval(*s)) >= 0; s++, n++) {
		if (n == 16)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -1;
	*v = x;
	*p = s;
	return 0;
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

/* The offending line, shortened, for a message (buf of 48 bytes). */
static const char *shown(const char *line, char *buf, size_t n)
{
	snprintf(buf, n, "%.40s%s", line, strlen(line) > 40 ? "..." : "");
	return buf;
}

static int open_lines(struct lines *L, int fd, const char *name, struct sim_err *err)
{
	memset(L, 0, sizeof *L);
	L->fd = fd;
	L->name = name;
	L->buf = sim_malloc(LINE_BUF + 1);
	return L->buf ? SIM_OK : sim_errf(err, SIM_ENOMEM, "out of memory reading %s", name);
}

/*
 * Dinero IV's traditional din format: "label address", label 0 a data read,
 * 1 a data write, 2 an instruction fetch, address in hexadecimal; the rest of
 * the line is ignored, as Dinero does.  Labels 3 (escape: unknown access
 * type) and 4 (escape: cache flush) have nothing to stand for here: they are
 * skipped and counted (stats.skipped).  Any other label is an error.  A
 * reference is 4 bytes (the format has no size); a fetch at the previous
 * fetch + 4 continues its run.
 */
int cap_import_din(cap_import *im, int fd, const char *name, struct sim_err *err)
{
	struct lines L;
	char *line, show[48];
	uint64_t prev_pc = 0, n = 0, skipped = 0, bytes = 0;
	int have_prev = 0, rc;

	if ((rc = open_lines(&L, fd, name, err)) != SIM_OK)
		return rc;
	while ((rc = next_line(&L, &line, err)) == SIM_OK && line) {
		const char *p = skip_blank(line);
		uint64_t addr;
		int label;
		if (!*p)
			continue;
		if (*p < '0' || *p > '9' || (p[1] != ' ' && p[1] != '\t')) {
			rc = sim_errf(err, SIM_EINVAL, "%s:%llu: expected 'LABEL ADDRESS' with LABEL 0-4, got '%s'",
				      name, (unsigned long long)L.lineno, shown(line, show, sizeof show));
			break;
		}
		label = *p - '0';
		p = skip_blank(p + 1);
		if (parse_hex(&p, &addr) || (*p && *p != ' ' && *p != '\t' && *p != '\r')) {
			rc = sim_errf(err, SIM_EINVAL, "%s:%llu: bad hexadecimal address in '%s'", name,
				      (unsigned long long)L.lineno, shown(line, show, sizeof show));
			break;
		}
		if (label > 4) {
			rc = sim_errf(err, SIM_EINVAL, "%s:%llu: label %d is not a din label (0 read, 1 write, "
				      "2 instruction fetch, 3 and 4 escapes)", name, (unsigned long long)L.lineno,
				      label);
			break;
		}
		bytes += strlen(line) + 1;
		if (label >= 3) {
			skipped++;
			continue;
		}
		if (label == 2) {
			rc = cap_imp_insn(im, addr, have_prev && addr == prev_pc + 4, err);
			prev_pc = addr;
			have_prev = 1;
		} else {
			rc = cap_imp_data(im, label, addr, 4, err);
		}
		if (rc) {
			sim_err_prefix(err, "%s:%llu", name, (unsigned long long)L.lineno);
			break;
		}
		if (++n == 65536) {
			cap_imp_count(im, n, bytes, 0);
			n = bytes = 0;
		}
	}
	cap_imp_count(im, n, bytes, skipped);
	sim_free(L.buf);
	return rc;
}

/*
 * Valgrind lackey (--trace-mem=yes): "I  ADDR,SIZE" an instruction fetch,
 * " L ADDR,SIZE" a load, " S ADDR,SIZE" a store, " M ADDR,SIZE" a modify (a
 * load then a store); addresses hexadecimal, sizes decimal.  Lines of
 * valgrind's own ("==PID== ...", "--PID-- ...") and blank lines are ignored.
 * A fetch at the previous fetch's address + size continues its run.
 */
int cap_import_lackey(cap_import *im, int fd, const char *name, struct sim_err *err)
{
	struct lines L;
	char *line, show[48];
	uint64_t prev_end = 0, n = 0, bytes = 0;
	int have_prev = 0, rc;

	if ((rc = open_lines(&L, fd, name, err)) != SIM_OK)
		return rc;
	while ((rc = next_line(&L, &line, err)) == SIM_OK && line) {
		const char *p = skip_blank(line);
		uint64_t addr, size = 0;
		int kind = *p, digits = 0;
		bytes += strlen(line) + 1;
		if (!*p || (p[0] == '=' && p[1] == '=') || (p[0] == '-' && p[1] == '-'))
			continue;
		if ((kind != 'I' && kind != 'L' && kind != 'S' && kind != 'M') || (p[1] != ' ' && p[1] != '\t'))
			goto bad;
		p = skip_blank(p + 1);
		if (parse_hex(&p, &addr) || *p++ != ',')
			goto bad;
		for (; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
			size = size * 10 + (uint64_t)(*p - '0');
		if (!digits || *skip_blank(p))
			goto bad;
		if (size == 0) {
			rc = sim_errf(err, SIM_EINVAL, "%s:%llu: size 0 in '%s'", name, (unsigned long long)L.lineno,
				      shown(line, show, sizeof show));
			break;
		}
		switch (kind) {
		case 'I':
			rc = cap_imp_insn(im, addr, have_prev && addr == prev_end, err);
			prev_end = addr + size;
			have_prev = 1;
			n++;
			break;
		case 'L': case 'S':
			rc = cap_imp_data(im, kind == 'S', addr, size, err);
			n++;
			break;
		case 'M':
			rc = cap_imp_data(im, 0, addr, size, err);
			if (!rc)
				rc = cap_imp_data(im, 1, addr, size, err);
			n += 2;
			break;
		}
		if (rc) {
			sim_err_prefix(err, "%s:%llu", name, (unsigned long long)L.lineno);
			break;
		}
		if (n >= 65536) {
			cap_imp_count(im, n, bytes, 0);
			n = bytes = 0;
		}
		continue;
bad:
		rc = sim_errf(err, SIM_EINVAL, "%s:%llu: not a lackey line (I, L, S or M ADDRESS,SIZE): '%s'", name,
			      (unsigned long long)L.lineno, shown(line, show, sizeof show));
		break;
	}
	cap_imp_count(im, n, bytes, 0);
	sim_free(L.buf);
	return rc;
}
