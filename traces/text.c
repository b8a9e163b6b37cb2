/*
 * NOTES ON THE TEXT FORM
 *
 * Definitions.  A line is a directive (".streams N", ".page_size N",
 * ".config key = value", ".stream K"), a record ("type args..."), blank, or
 * a comment; "#" starts a comment anywhere.  A record's arguments are
 * positional words and "key=value" words (FORMAT.md lists them per type).
 * Numbers are decimal or 0x-hexadecimal.
 *
 * Invariants.
 *   (1) trc_text_format() prints every field a type uses, in the canonical
 *       form trc_text_parse() reads back to the same record; dump prints the
 *       header as directives in the order asm reads them, so dump | asm
 *       reproduces a file's bytes (same records, configuration and knobs)
 *       when every configuration line is printed (no config_shown filter).
 *   (2) asm opens the writer at the first record or ".stream": header
 *       directives after that are errors.
 *
 * Interface: trc_text_asm(); trc_text_dump() on an open reader;
 * trc_text_format() and trc_text_parse() for one line.
 */
#include "traces/text.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/params.h"
#include "traces/codec.h"

/* ---- printing ---- */

static const char *mode_words(unsigned flags)
{
	static const char *const w[4] = { "user", "kernel", "user kseg0", "kernel kseg0" };
	return w[flags & 3];
}

static void prot_words(unsigned prot, char *buf, size_t n)
{
	if (!prot) {
		snprintf(buf, n, "none");
		return;
	}
	snprintf(buf, n, "%s%s%s%s%s", prot & TRC_PROT_VALID ? "valid" : "",
		 (prot & TRC_PROT_VALID) && (prot & 6) ? "," : "", prot & TRC_PROT_WRITE ? "write" : "",
		 (prot & TRC_PROT_WRITE) && (prot & TRC_PROT_GLOBAL) ? "," : "",
		 prot & TRC_PROT_GLOBAL ? "global" : "");
}

size_t trc_text_format(const struct trc_rec *r, char *buf, size_t n)
{
	const char *t = trc_type_name(r->type);
	char prot[32];
	int k;

	switch (r->type) {
	case TRC_INSN:
		k = snprintf(buf, n, "insn 0x%" PRIx64 " %u %s", r->addr, r->id, mode_words(r->flags));
		break;
	case TRC_LOAD: case TRC_STORE:
		k = snprintf(buf, n, "%s 0x%" PRIx64 " %u %s", t, r->addr, r->aux, mode_words(r->flags));
		break;
	case TRC_PTE_SET:
		prot_words(r->aux, prot, sizeof prot);
		k = snprintf(buf, n, "pte.set asid=%u vpn=0x%" PRIx64 " ppn=0x%" PRIx64 " prot=%s", r->id, r->addr,
			     r->val, prot);
		break;
	case TRC_PTE_CLEAR:
		k = snprintf(buf, n, "pte.clear asid=%u vpn=0x%" PRIx64, r->id, r->addr);
		break;
	case TRC_LOCK_ACQ: case TRC_LOCK_REL:
		k = r->addr ? snprintf(buf, n, "%s %u word=0x%" PRIx64, t, r->id, r->addr)
			    : snprintf(buf, n, "%s %u", t, r->id);
		break;
	case TRC_ASID: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL: case TRC_DMA_DONE:
		k = snprintf(buf, n, "%s %u", t, r->id);
		break;
	case TRC_SVC_BEGIN:
		k = snprintf(buf, n, "svc.begin %s id=%u", trc_service_name(r->aux), r->id);
		break;
	case TRC_SVC_END:
		k = snprintf(buf, n, "svc.end %s", trc_service_name(r->aux));
		break;
	case TRC_PRIV:
		if (r->flags & TRC_F_ENTRY)
			k = snprintf(buf, n, "priv %s 0x%" PRIx64 " asid=%u vpn=0x%" PRIx64,
				     trc_priv_name(r->aux), r->val, r->id, r->addr);
		else
			k = snprintf(buf, n, "priv %s 0x%" PRIx64, trc_priv_name(r->aux), r->val);
		break;
	case TRC_DMA_REQ:
		k = snprintf(buf, n, "dma.req id=%u disk=%u sector=%" PRIu64 " count=%" PRIu64 " %s", r->id, r->aux,
			     r->addr, r->val, r->flags & TRC_F_WRITE ? "write" : "read");
		break;
	case TRC_NET_SEND: case TRC_NET_RECV:
		k = snprintf(buf, n, "%s id=%u vm=%u", t, r->id, r->aux);
		break;
	case TRC_FRAG:
		k = snprintf(buf, n, "frag 0x%" PRIx64 " %" PRIu64, r->addr, r->val);
		break;
	case TRC_MONCALL:
		k = snprintf(buf, n, "moncall %s 0x%" PRIx64 " 0x%" PRIx64, trc_moncall_name(r->aux), r->addr, r->val);
		break;
	case TRC_PAGE_ALLOC: case TRC_PAGE_FREE:
		k = snprintf(buf, n, "%s 0x%" PRIx64 " %s", t, r->addr, trc_category_name(r->aux));
		break;
	case TRC_IDLE_BEGIN: case TRC_IDLE_END:
		k = snprintf(buf, n, "%s", t);
		break;
	case TRC_TIME:
		k = snprintf(buf, n, "time %" PRIu64, r->val);
		break;
	case TRC_MARKER:
		k = snprintf(buf, n, "marker %u id=%u val=%" PRIu64, r->aux, r->id, r->val);
		break;
	default:
		k = snprintf(buf, n, "# invalid record type %u", r->type);
		break;
	}
	return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

/* ---- parsing ---- */

#define MAXTOK 12

struct toks {
	int n;
	char *w[MAXTOK];
	int used[MAXTOK];
};

static int num(const char *s, uint64_t *v)
{
	char *end;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

/* The positional word i (key=value words skipped), or NULL. */
static char *pos(struct toks *t, int i)
{
	for (int k = 1; k < t->n; k++)
		if (!strchr(t->w[k], '=') && i-- == 0) {
			t->used[k] = 1;
			return t->w[k];
		}
	return NULL;
}

static char *kv(struct toks *t, const char *key)
{
	size_t kl = strlen(key);
	for (int k = 1; k < t->n; k++)
		if (!strncmp(t->w[k], key, kl) && t->w[k][kl] == '=') {
			t->used[k] = 1;
			return t->w[k] + kl + 1;
		}
	return NULL;
}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return SIM_EINVAL; } while (0)

/* A number in [0, max] from word s named what; required unless dflt != NULL. */
static int getnum(const char *s, const char *what, uint64_t max, const uint64_t *dflt, uint64_t *v, char *why,
		  size_t whylen)
{
	if (!s) {
		if (dflt) {
			*v = *dflt;
			return 0;
		}
		FAIL("missing %s", what);
	}
	if (num(s, v) != 0)
		FAIL("%s '%s' is not a number", what, s);
	if (*v > max)
		FAIL("%s %s is out of range (at most %" PRIu64 ")", what, s, max);
	return 0;
}

static int getname(const char *s, const char *what, const char *(*name)(unsigned), unsigned nvals, unsigned *v,
		   char *why, size_t whylen)
{
	char list[512] = "";
	size_t at = 0;
	if (!s)
		FAIL("missing %s", what);
	for (unsigned k = 1; k < nvals; k++)
		if (!strcmp(s, name(k))) {
			*v = k;
			return 0;
		}
	for (unsigned k = 1; k < nvals && at < sizeof list; k++)
		at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", k > 1 ? ", " : "", name(k));
	FAIL("unknown %s '%s' (one of: %s)", what, s, list);
}

static int getmode(struct toks *t, int first, uint8_t *flags, char *why, size_t whylen)
{
	char *w;
	*flags = 0;
	for (int i = first; (w = pos(t, i)) != NULL; i++) {
		if (!strcmp(w, "kernel"))
			*flags |= TRC_F_KERNEL;
		else if (!strcmp(w, "kseg0"))
			*flags |= TRC_F_KSEG0;
		else if (strcmp(w, "user") != 0)
			FAIL("'%s' is not a mode (user, kernel, kseg0)", w);
	}
	return 0;
}

int trc_text_parse(const char *line, struct trc_rec *r, char *why, size_t whylen)
{
	static const uint64_t zero = 0;
	char copy[1024], *save = NULL, *w;
	struct toks t = { 0 };
	uint64_t a, b, c, d;
	unsigned e;
	int type = 0;

	memset(r, 0, sizeof *r);
	if (strlen(line) >= sizeof copy)
		FAIL("line too long");
	strcpy(copy, line);
	for (w = strtok_r(copy, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (t.n == MAXTOK)
			FAIL("too many words");
		t.w[t.n++] = w;
	}
	if (t.n == 0)
		FAIL("empty record");
	for (unsigned k = 1; k < TRC_NTYPES; k++)
		if (!strcmp(t.w[0], trc_type_name(k)))
			type = (int)k;
	if (!type)
		FAIL("unknown record type '%s'", t.w[0]);
	r->type = (uint8_t)type;
#define NUM(s, what, max, dflt, v) if (getnum(s, what, max, dflt, v, why, whylen)) return SIM_EINVAL
	switch (type) {
	case TRC_INSN:
		NUM(pos(&t, 0), "address", UINT64_MAX, NULL, &a);
		NUM(pos(&t, 1), "instruction count", UINT32_MAX, NULL, &b);
		if (b == 0)
			FAIL("instruction count 0");
		if (getmode(&t, 2, &r->flags, why, whylen))
			return SIM_EINVAL;
		r->addr = a;
		r->id = (uint32_t)b;
		break;
	case TRC_LOAD: case TRC_STORE:
		NUM(pos(&t, 0), "address", UINT64_MAX, NULL, &a);
		NUM(pos(&t, 1), "size", 255, NULL, &b);
		if (b == 0)
			FAIL("size 0");
		if (getmode(&t, 2, &r->flags, why, whylen))
			return SIM_EINVAL;
		r->addr = a;
		r->aux = (uint16_t)b;
		break;
	case TRC_PTE_SET: {
		char *p = kv(&t, "prot"), *save2 = NULL, pc[64];
		NUM(kv(&t, "asid"), "asid", UINT32_MAX, NULL, &a);
		NUM(kv(&t, "vpn"), "vpn", UINT64_MAX, NULL, &b);
		NUM(kv(&t, "ppn"), "ppn", UINT64_MAX, NULL, &c);
		r->id = (uint32_t)a;
		r->addr = b;
		r->val = c;
		if (!p)
			FAIL("missing prot");
		snprintf(pc, sizeof pc, "%s", p);
		for (w = strtok_r(pc, ",", &save2); w; w = strtok_r(NULL, ",", &save2)) {
			if (!strcmp(w, "valid")) r->aux |= TRC_PROT_VALID;
			else if (!strcmp(w, "write")) r->aux |= TRC_PROT_WRITE;
			else if (!strcmp(w, "global")) r->aux |= TRC_PROT_GLOBAL;
			else if (strcmp(w, "none") != 0)
				FAIL("'%s' is not a protection (valid, write, global, none)", w);
		}
		break;
	}
	case TRC_PTE_CLEAR:
		NUM(kv(&t, "asid"), "asid", UINT32_MAX, NULL, &a);
		NUM(kv(&t, "vpn"), "vpn", UINT64_MAX, NULL, &b);
		r->id = (uint32_t)a;
		r->addr = b;
		break;
	case TRC_LOCK_ACQ: case TRC_LOCK_REL: {
		const char *w;
		NUM(pos(&t, 0), "id", UINT32_MAX, NULL, &a);
		r->id = (uint32_t)a;
		if ((w = kv(&t, "word")) != NULL) {
			NUM(w, "word", UINT64_MAX, NULL, &b);
			if (!b)
				FAIL("word=0: a lock word's address is not 0 (leave word= out)");
			r->addr = b;
		}
		break;
	}
	case TRC_ASID: case TRC_SEM_WAIT: case TRC_SEM_SIGNAL: case TRC_DMA_DONE:
		NUM(pos(&t, 0), "id", UINT32_MAX, NULL, &a);
		r->id = (uint32_t)a;
		break;
	case TRC_SVC_BEGIN: case TRC_SVC_END:
		if (getname(pos(&t, 0), "service", trc_service_name, TRC_NSERVICES, &e, why, whylen))
			return SIM_EINVAL;
		r->aux = (uint16_t)e;
		if (type == TRC_SVC_BEGIN) {
			NUM(kv(&t, "id"), "id", UINT32_MAX, &zero, &a);
			r->id = (uint32_t)a;
		}
		break;
	case TRC_PRIV:
		if (getname(pos(&t, 0), "privileged instruction", trc_priv_name, TRC_NPRIV, &e, why, whylen))
			return SIM_EINVAL;
		NUM(pos(&t, 1), "operand", UINT64_MAX, &zero, &a);
		r->aux = (uint16_t)e;
		r->val = a;
		{
			char *as = kv(&t, "asid"), *vp = kv(&t, "vpn");
			if (!as != !vp)
				FAIL("a TLB write's entry needs both asid= and vpn=");
			if (as) {
				if (e != TRC_PRIV_TLBWR && e != TRC_PRIV_TLBWI)
					FAIL("only a TLB write (tlbwr, tlbwi) names an entry");
				NUM(as, "asid", UINT32_MAX, NULL, &a);
				NUM(vp, "vpn", UINT64_MAX, NULL, &b);
				r->flags = TRC_F_ENTRY;
				r->id = (uint32_t)a;
				r->addr = b;
			}
		}
		break;
	case TRC_DMA_REQ:
		NUM(kv(&t, "id"), "id", UINT32_MAX, NULL, &a);
		NUM(kv(&t, "disk"), "disk", 0xffff, NULL, &b);
		NUM(kv(&t, "sector"), "sector", UINT64_MAX, NULL, &c);
		NUM(kv(&t, "count"), "count", UINT64_MAX, NULL, &d);
		r->id = (uint32_t)a;
		r->aux = (uint16_t)b;
		r->addr = c;
		r->val = d;
		w = pos(&t, 0);
		if (!w || (strcmp(w, "read") && strcmp(w, "write")))
			FAIL("a dma.req says read or write");
		r->flags = !strcmp(w, "write") ? TRC_F_WRITE : 0;
		break;
	case TRC_NET_SEND: case TRC_NET_RECV:
		NUM(kv(&t, "id"), "id", UINT32_MAX, NULL, &a);
		NUM(kv(&t, "vm"), "vm", 0xffff, NULL, &b);
		r->id = (uint32_t)a;
		r->aux = (uint16_t)b;
		break;
	case TRC_FRAG:
		NUM(pos(&t, 0), "address", UINT64_MAX, NULL, &a);
		NUM(pos(&t, 1), "length", UINT64_MAX, NULL, &b);
		r->addr = a;
		r->val = b;
		break;
	case TRC_MONCALL:
		if (getname(pos(&t, 0), "monitor call", trc_moncall_name, TRC_NMONCALLS, &e, why, whylen))
			return SIM_EINVAL;
		NUM(pos(&t, 1), "first argument", UINT64_MAX, &zero, &a);
		NUM(pos(&t, 2), "second argument", UINT64_MAX, &zero, &b);
		r->aux = (uint16_t)e;
		r->addr = a;
		r->val = b;
		break;
	case TRC_PAGE_ALLOC: case TRC_PAGE_FREE:
		NUM(pos(&t, 0), "page", UINT64_MAX, NULL, &a);
		if (getname(pos(&t, 1), "category", trc_category_name, TRC_NCATEGORIES, &e, why, whylen))
			return SIM_EINVAL;
		r->addr = a;
		r->aux = (uint16_t)e;
		break;
	case TRC_IDLE_BEGIN: case TRC_IDLE_END:
		break;
	case TRC_TIME:
		NUM(pos(&t, 0), "time", UINT64_MAX, NULL, &a);
		r->val = a;
		break;
	case TRC_MARKER:
		NUM(pos(&t, 0), "marker kind", 0xffff, NULL, &a);
		NUM(kv(&t, "id"), "id", UINT32_MAX, &zero, &b);
		NUM(kv(&t, "val"), "val", UINT64_MAX, &zero, &c);
		r->aux = (uint16_t)a;
		r->id = (uint32_t)b;
		r->val = c;
		break;
	}
#undef NUM
	for (int k = 1; k < t.n; k++)
		if (!t.used[k])
			FAIL("unexpected '%s' in a %s record", t.w[k], t.w[0]);
	return 0;
}

/* ---- assembling ---- */

struct asm_state {
	const char *path;
	const char *out;
	const struct trc_text_opts *o;
	unsigned long line;
	uint32_t nstreams, page_size, stream;
	char *config;            /* sim_malloc'd, grows */
	size_t clen, ccap;
	size_t chunk_size;       /* from .config lines, 0: none */
	int zstd_level;
	trc_writer *w;
};

static int add_config(struct asm_state *s, const char *text, size_t n, struct sim_err *err)
{
	if (s->clen + n + 1 > s->ccap) {
		size_t cap = (s->clen + n + 1) * 2;
		char *c = sim_realloc(s->config, cap);
		if (!c)
			return sim_errf(err, SIM_ENOMEM, "%s: out of memory", s->path);
		s->config = c;
		s->ccap = cap;
	}
	memcpy(s->config + s->clen, text, n);
	s->clen += n;
	s->config[s->clen] = '\0';
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

static int open_writer(struct asm_state *s, struct sim_err *err)
{
	struct trc_write_opts wo = { .nstreams = s->nstreams, .page_size = s->page_size };
	int rc;
	if (s->o->extra_config && *s->o->extra_config) {
		rc = add_config(s, s->o->extra_config, strlen(s->o->extra_config), err);
		if (rc != SIM_OK)
			return rc;
	}
	wo.config_text = s->config ? s->config : "";
	wo.chunk_size = s->o->chunk_size ? s->o->chunk_size : s->chunk_size ? s->chunk_size : 1u << 20;
	wo.zstd_level = s->o->zstd_level ? s->o->zstd_level : s->zstd_level ? s->zstd_level : 3;
	return trc_writer_open(&s->w, s->out, &wo, err);
}

#define LINE_ERR(...) (sim_errf(err, SIM_EINVAL, __VA_ARGS__))

/* A .config line: keeps the text; notes the writer's own knobs. */
static int config_line(struct asm_state *s, char *text, struct sim_err *err)
{
	char *eq = strchr(text, '='), key[128], *val;
	int64_t v;
	int rc;
	for (const char *p = text; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return LINE_ERR("%s:%lu: .config holds a control character (byte 0x%02x)", s->path, s->line,
					(unsigned char)*p);
	if (s->o->check) {
		char where[600];
		snprintf(where, sizeof where, "%s:%lu: .config", s->path, s->line);
		if (!eq)
			return LINE_ERR("%s: expected 'name = value', got '%s' (a replay would refuse it)",
					where, text);
		if (cfg_set_assignment(s->o->check, text, where, err) != SIM_OK)
			return SIM_EINVAL;
	}
	rc = add_config(s, text, strlen(text), err);
	if (rc == SIM_OK)
		rc = add_config(s, "\n", 1, err);
	if (rc != SIM_OK || !eq)
		return rc;
	snprintf(key, sizeof key, "%.*s", (int)(eq - text), text);
	val = trim(eq + 1);
	if (!strcmp(trim(key), "trace.chunk_size")) {
		if (param_parse_size(val, &v) != SIM_OK || v < 256 || v > TRC_MAX_CHUNK)
			return LINE_ERR("%s:%lu: trace.chunk_size '%s' is not a size from 256 to 16M", s->path, s->line, val);
		s->chunk_size = (size_t)v;
	} else if (!strcmp(trim(key), "trace.zstd_level")) {
		char *end;
		long l = strtol(val, &end, 10);
		if (*end || l < 1 || l > 19)
			return LINE_ERR("%s:%lu: trace.zstd_level '%s' is not from 1 to 19", s->path, s->line, val);
		s->zstd_level = (int)l;
	}
	return SIM_OK;
}

static int directive(struct asm_state *s, char *l, struct sim_err *err)
{
	char *arg = l;
	uint64_t v;
	while (*arg && !isspace((unsigned char)*arg))
		arg++;
	if (*arg)
		*arg++ = '\0';
	arg = trim(arg);
	if (!strcmp(l, ".stream")) {
		if (num(arg, &v) != 0 || v >= s->nstreams)
			return LINE_ERR("%s:%lu: .stream '%s': streams are 0 to %u", s->path, s->line, arg,
					s->nstreams - 1);
		s->stream = (uint32_t)v;
		return s->w ? SIM_OK : open_writer(s, err);
	}
	if (s->w)
		return LINE_ERR("%s:%lu: %s after the first record or .stream: header directives come first",
				s->path, s->line, l);
	if (!strcmp(l, ".streams")) {
		if (num(arg, &v) != 0 || v < 1 || v > TRC_MAX_STREAMS)
			return LINE_ERR("%s:%lu: .streams '%s' is not from 1 to %u", s->path, s->line, arg,
					TRC_MAX_STREAMS);
		s->nstreams = (uint32_t)v;
		return SIM_OK;
	}
	if (!strcmp(l, ".page_size")) {
		if (num(arg, &v) != 0 || v < 256 || v > (1u << 30) || (v & (v - 1)))
			return LINE_ERR("%s:%lu: .page_size '%s' is not a power of two from 256 to 1G", s->path,
					s->line, arg);
		s->page_size = (uint32_t)v;
		return SIM_OK;
	}
	if (!strcmp(l, ".config")) {
		if (!*arg)
			return LINE_ERR("%s:%lu: .config needs 'key = value'", s->path, s->line);
		return config_line(s, arg, err);
	}
	return LINE_ERR("%s:%lu: unknown directive '%s' (.streams, .page_size, .config, .stream)", s->path,
			s->line, l);
}

int trc_text_asm(const char *text_path, const char *out_path, const struct trc_text_opts *o, struct sim_err *err)
{
	struct asm_state s = { .path = text_path, .out = out_path, .o = o, .nstreams = 1, .page_size = 4096 };
	FILE *f = fopen(text_path, "r");
	char *line = NULL, *l, *hash, why[256];
	size_t cap = 0;
	ssize_t n;
	int rc = SIM_OK;

	if (!f)
		return sim_errf(err, errno == ENOENT ? SIM_EINVAL : SIM_EIO, "%s: cannot open: %s", text_path,
				strerror(errno));
	while (rc == SIM_OK && (n = getline(&line, &cap, f)) >= 0) {
		struct trc_rec r;
		s.line++;
		if ((size_t)n != strlen(line)) {
			rc = LINE_ERR("%s:%lu: a NUL byte in the line", text_path, s.line);
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		l = trim(line);
		if (!*l)
			continue;
		if (*l == '.') {
			rc = directive(&s, l, err);
			continue;
		}
		if (!s.w && (rc = open_writer(&s, err)) != SIM_OK)
			break;
		if (trc_text_parse(l, &r, why, sizeof why) != SIM_OK) {
			rc = LINE_ERR("%s:%lu: %s", text_path, s.line, why);
			break;
		}
		rc = trc_write(s.w, s.stream, &r, 1, err);
		if (rc == SIM_EINVAL)
			sim_err_prefix(err, "%s:%lu", text_path, s.line);
	}
	if (rc == SIM_OK && ferror(f))
		rc = sim_errf(err, SIM_EIO, "%s: read failed", text_path);
	free(line);
	fclose(f);
	if (rc == SIM_OK && !s.w)
		rc = open_writer(&s, err);
	if (s.w) {
		if (rc == SIM_OK)
			rc = trc_writer_close(s.w, err);
		else
			trc_writer_abandon(s.w);
	}
	sim_free(s.config);
	return rc;
}

/* ---- dumping ---- */

int trc_text_dump(trc_reader *r, FILE *out, const struct trc_dump_opts *o, struct sim_err *err)
{
	const struct trc_info *info = trc_reader_info(r);
	const char *c = info->config_text;
	char buf[256];
	unsigned long left_out = 0;

	fprintf(out, "# disco trace, format %u.%u\n.streams %u\n.page_size %u\n", info->version_major,
		info->version_minor, info->nstreams, info->page_size);
	while (*c) {
		const char *e = strchr(c, '\n');
		size_t len = e ? (size_t)(e - c) : strlen(c);
		if (o->config_shown && !o->config_shown(o->config_ctx, c, len)) {
			left_out++;
			c += len + (e ? 1 : 0);
			continue;
		}
		/* control characters (a damaged or hostile header) are shown as
		 * \xNN, never sent to a terminal; asm refuses such lines */
		fputs(".config ", out);
		for (size_t i = 0; i < len; i++) {
			unsigned char b = (unsigned char)c[i];
			if ((b < 0x20 && b != '\t') || b == 0x7f)
				fprintf(out, "\\x%02x", b);
			else
				fputc(b, out);
		}
		fputc('\n', out);
		c += len + (e ? 1 : 0);
	}
	if (left_out)
		fprintf(out, "# %lu configuration lines at their defaults left out\n", left_out);
	for (uint32_t s = 0; s < info->nstreams; s++) {
		uint64_t at = 0, shown = 0;
		if (o->stream >= 0 && (uint32_t)o->stream != s)
			continue;
		fprintf(out, ".stream %u\n", s);
		for (;;) {
			const struct trc_rec *recs;
			size_t n;
			int rc = trc_next_block(r, s, &recs, &n, err);
			if (rc != SIM_OK)
				return rc;
			if (n == 0)
				break;
			for (size_t i = 0; i < n; i++, at++) {
				if (at < o->from)
					continue;
				if (o->limit && shown >= o->limit)
					break;
				trc_text_format(&recs[i], buf, sizeof buf);
				fputs(buf, out);
				fputc('\n', out);
				shown++;
			}
			if (o->limit && shown >= o->limit)
				break;
		}
	}
	if (fflush(out) != 0 || ferror(out))
		return sim_errf(err, SIM_EIO, "writing the dump failed: %s", strerror(errno));
	return SIM_OK;
}
