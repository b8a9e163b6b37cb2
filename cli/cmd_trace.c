/* disco inspect, dump, asm: trace files as a person sees them. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "replay/replay.h"
#include "traces/text.h"
#include "traces/trace.h"

static const char inspect_usage[] =
	"usage: disco inspect FILE [--repair] [--all]\n"
	"\n"
	"Check a trace file and describe it: format version, configuration (the\n"
	"values that differ from the defaults; every value with --all), and per\n"
	"stream the records by type, instructions, data references, chunks and\n"
	"compressed bytes per reference.  Every chunk is read, decompressed, decoded\n"
	"and its checksums verified, and the configuration is checked as a replay\n"
	"in the trace's mode would check it (a replay would refuse it: an error,\n"
	"after the report).  A file whose writer died has no index: it is\n"
	"read up to its last complete chunk, with a warning; --repair truncates any\n"
	"incomplete chunk at the end and writes the index.  It first decodes every\n"
	"chunk and changes nothing if one is damaged, or if the file's writer is\n"
	"still running (a capture writes OUT.tmp-XXXXXX and renames it to OUT only\n"
	"when complete; a capture that was killed leaves that file).\n";

static const char dump_usage[] =
	"usage: disco dump FILE [--stream N] [--from K] [--limit K] [--all]\n"
	"\n"
	"Print a trace as text, one record per line (the form 'disco asm' reads; see\n"
	"traces/FORMAT.md): the header as directives, then each stream's records.\n"
	"--stream N prints only stream N; --from K starts at record K of each stream;\n"
	"--limit K prints at most K records per stream.  The header's configuration\n"
	"is printed where it differs from the defaults (a missing line reads back as\n"
	"the default); --all prints every line, so that asm gives back the same bytes.\n";

static const char asm_usage[] =
	"usage: disco asm TEXT -o FILE [--config F] [--set name=value ...]\n"
	"\n"
	"Assemble a trace from its text form (traces/FORMAT.md).  --config and --set\n"
	"choose trace.chunk_size and trace.zstd_level (over the text's .config lines)\n"
	"and any parameter they change is added to the trace's configuration.\n";

static void warn(const char *cmd, trc_reader *r)
{
	if (trc_reader_info(r)->warning[0])
		fprintf(stderr, "disco %s: warning: %s\n", cmd, trc_reader_info(r)->warning);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	return *end || errno ? -1 : 0;
}

static double per(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0; }

/* The trace's configuration as a replay in its own mode builds it, up to
 * the first record: SIM_OK, or what the replay would stop at. */
static int check_config(trc_reader *r, const char *path, struct sim_err *err)
{
	struct cli_cfg_ops none = { 0 };
	cfg *c = NULL;
	int rc = cli_trace_cfg(r, path, &none, &c, err);
	if (rc == SIM_OK) {
		int mode = rpl_mode_of(c);
		rc = rpl_check(c, mode, trc_reader_info(r)->nstreams, err);
		if (rc)
			sim_err_prefix(err, "%s: configuration in the header: a replay in %s mode would "
				       "refuse it", path, rpl_mode_name(mode));
	}
	cfg_free(c);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "repair", no_argument, 0, 'r' },
		{ "all", no_argument, 0, 'A' },
		{ 0, 0, 0, 0 },
	};
	struct sim_err err = { 0 };
	int repair = 0, all = 0, o, rc;
	unsigned long left_out = 0;
	struct cli_config_filter *filter = NULL;
	const char *path;
	trc_reader *r;
	const struct trc_info *info;
	uint64_t (*cnt)[TRC_NTYPES] = NULL, tot[TRC_NTYPES] = { 0 };
	uint64_t *insns = NULL, all_insns = 0, all_chunks = 0, all_comp = 0, all_raw = 0;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(inspect_usage, stdout); return 0;
		case 'r': repair = 1; break;
		case 'A': all = 1; break;
		default: return cli_bad_option("inspect");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("inspect", optind < argc ? "one FILE only" : "FILE missing");
	path = argv[optind];
	if (repair) {
		int had;
		if (trc_reader_open(&r, path, &err) != SIM_OK)
			return cli_fail("inspect", &err);
		had = trc_reader_info(r)->has_index;
		trc_reader_close(r);
		if (!had) {
			if (trc_repair(path, &err) != SIM_OK)
				return cli_fail("inspect", &err);
			printf("repaired: %s: index written\n", path);
		}
	}
	if (trc_reader_open(&r, path, &err) != SIM_OK)
		return cli_fail("inspect", &err);
	info = trc_reader_info(r);
	warn("inspect", r);
	cnt = sim_calloc(info->nstreams, sizeof *cnt);
	insns = sim_calloc(info->nstreams, sizeof *insns);
	if (!cnt || !insns) {
		sim_errf(&err, SIM_ENOMEM, "out of memory");
		goto fail;
	}
	/* read and verify everything first: the report is only printed for a good file */
	for (uint32_t s = 0; s < info->nstreams; s++) {
		const struct trc_rec *recs;
		size_t n;
		do {
			if (trc_next_block(r, s, &recs, &n, &err) != SIM_OK)
				goto fail;
			for (size_t i = 0; i < n; i++) {
				cnt[s][recs[i].type]++;
				if (recs[i].type == TRC_INSN)
					insns[s] += recs[i].id;
			}
		} while (n);
	}
	printf("file          %s\n", path);
	printf("format        %u.%u\n", info->version_major, info->version_minor);
	printf("streams       %u\n", info->nstreams);
	printf("page size     %u\n", info->page_size);
	printf("index         %s\n", info->has_index ? "present" : "MISSING (the writer did not finish; --repair writes it)");
	if (!info->has_index)
		printf("warning: %s\n", info->warning);
	printf("configuration%s\n", info->config_text[0] ? ":" : " (none)");
	if (!all)
		filter = cli_config_filter_new();
	for (const char *c = info->config_text; *c;) {
		const char *e = strchr(c, '\n');
		int len = e ? (int)(e - c) : (int)strlen(c);
		if (filter && !cli_config_shown(filter, c, (size_t)len))
			left_out++;
		else {
			fputs("  ", stdout);
			cli_put_text(stdout, c, (size_t)len);
			fputc('\n', stdout);
		}
		c += len + (e ? 1 : 0);
	}
	cli_config_filter_free(filter);
	if (left_out)
		printf("  (and %lu at their defaults: --all shows them)\n", left_out);
	printf("\n%-6s %12s %14s %12s %12s %8s %12s %12s %10s %10s\n", "stream", "records", "instructions",
	       "loads", "stores", "chunks", "raw bytes", "compressed", "B/dataref", "B/ref");
	for (uint32_t s = 0; s < info->nstreams; s++) {
		struct trc_stream_stats st;
		uint64_t data = cnt[s][TRC_LOAD] + cnt[s][TRC_STORE];
		trc_reader_stream_stats(r, s, &st);
		printf("%-6u %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8" PRIu64 " %12" PRIu64
		       " %12" PRIu64 " %10.4f %10.4f\n",
		       s, st.records, insns[s], cnt[s][TRC_LOAD], cnt[s][TRC_STORE], st.chunks, st.raw_bytes,
		       st.compressed_bytes, per(st.compressed_bytes, data), per(st.compressed_bytes, data + insns[s]));
		for (int t = 0; t < TRC_NTYPES; t++)
			tot[t] += cnt[s][t];
		all_insns += insns[s];
		all_chunks += st.chunks;
		all_comp += st.compressed_bytes;
		all_raw += st.raw_bytes;
	}
	{
		uint64_t recs = 0, data = tot[TRC_LOAD] + tot[TRC_STORE];
		for (int t = 0; t < TRC_NTYPES; t++)
			recs += tot[t];
		printf("%-6s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8" PRIu64 " %12" PRIu64
		       " %12" PRIu64 " %10.4f %10.4f\n",
		       "total", recs, all_insns, tot[TRC_LOAD], tot[TRC_STORE], all_chunks, all_raw, all_comp,
		       per(all_comp, data), per(all_comp, data + all_insns));
		printf("\nB/dataref: compressed bytes (chunk headers included) per load or store;\n"
		       "B/ref: per memory reference, counting every instruction fetch as one.\n");
		printf("\nrecords by type:\n");
		for (int t = 1; t < TRC_NTYPES; t++)
			if (tot[t])
				printf("  %-12s %12" PRIu64 "\n", trc_type_name((unsigned)t), tot[t]);
	}
	printf("\nchecksums verified: %" PRIu64 " chunks read and decoded\n", all_chunks);
	if (check_config(r, path, &err) != SIM_OK) {
		printf("configuration: a replay would refuse it (below)\n");
		fflush(stdout);
		goto fail;
	}
	printf("configuration: a replay accepts it\n");
	rc = 0;
	goto out;
fail:
	rc = cli_fail("inspect", &err);
out:
	sim_free(cnt);
	sim_free(insns);
	trc_reader_close(r);
	return rc;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "stream", required_argument, 0, 's' },
		{ "from", required_argument, 0, 'f' },
		{ "limit", required_argument, 0, 'l' },
		{ "all", no_argument, 0, 'A' },
		{ 0, 0, 0, 0 },
	};
	struct trc_dump_opts d = { .stream = -1 };
	int all = 0;
	struct sim_err err = { 0 };
	uint64_t v;
	trc_reader *r;
	int o, rc;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(dump_usage, stdout); return 0;
		case 's':
			if (parse_u64(optarg, &v) || v >= TRC_MAX_STREAMS)
				return cli_usage_error("dump", "--stream '%s' is not a stream number", optarg);
			d.stream = (int64_t)v;
			break;
		case 'f':
			if (parse_u64(optarg, &d.from))
				return cli_usage_error("dump", "--from '%s' is not a number", optarg);
			break;
		case 'l':
			if (parse_u64(optarg, &d.limit) || d.limit == 0)
				return cli_usage_error("dump", "--limit '%s' is not a positive number", optarg);
			break;
		case 'A': all = 1; break;
		default: return cli_bad_option("dump");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("dump", optind < argc ? "one FILE only" : "FILE missing");
	if (trc_reader_open(&r, argv[optind], &err) != SIM_OK)
		return cli_fail("dump", &err);
	warn("dump", r);
	if (d.stream >= (int64_t)trc_reader_info(r)->nstreams) {
		fprintf(stderr, "disco dump: --stream %" PRId64 ": %s has %u streams\n", d.stream, argv[optind],
			trc_reader_info(r)->nstreams);
		trc_reader_close(r);
		return 2;
	}
	if (!all) {
		d.config_ctx = cli_config_filter_new();
		d.config_shown = d.config_ctx ? cli_config_shown : NULL;
	}
	rc = trc_text_dump(r, stdout, &d, &err);
	cli_config_filter_free(d.config_ctx);
	trc_reader_close(r);
	return rc == SIM_OK ? 0 : cli_fail("dump", &err);
}

int cmd_asm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ "set", required_argument, 0, 's' },
		{ "config", required_argument, 0, 'c' },
		{ 0, 0, 0, 0 },
	};
	struct trc_text_opts to = { 0 };
	struct sim_err err = { 0 };
	const char *out = NULL;
	char *extra = NULL;
	long i;
	int o, rc;
	cfg *c;

	if (cli_new_cfg(&c, &err) != SIM_OK)
		return cli_fail("asm", &err);
	optind = 1;
	while ((o = getopt_long(argc, argv, "ho:s:c:", opts, NULL)) != -1) {
		switch (o) {
		case 'h': fputs(asm_usage, stdout); cfg_free(c); return 0;
		case 'o': out = optarg; break;
		case 's':
			if (cfg_set_assignment(c, optarg, "--set", &err) != SIM_OK)
				goto fail;
			break;
		case 'c':
			if (cfg_load(c, optarg, &err) != SIM_OK)
				goto fail;
			break;
		default: cfg_free(c); return cli_bad_option("asm");
		}
	}
	if (optind != argc - 1 || !out) {
		cfg_free(c);
		return cli_usage_error("asm", !out ? "-o FILE missing" : optind < argc ? "one TEXT only" : "TEXT missing");
	}
	if (cli_check_output(out, argv[optind], &err) != SIM_OK) {
		cfg_free(c);
		return cli_fail("asm", &err);
	}
	if ((i = cfg_find(c, "trace.chunk_size")) >= 0 && !cfg_is_default(c, (size_t)i))
		to.chunk_size = (size_t)cfg_int(c, "trace.chunk_size");
	if ((i = cfg_find(c, "trace.zstd_level")) >= 0 && !cfg_is_default(c, (size_t)i))
		to.zstd_level = (int)cfg_int(c, "trace.zstd_level");
	extra = cfg_dump(c, 0);
	if (!extra) {
		sim_errf(&err, SIM_ENOMEM, "out of memory");
		goto fail;
	}
	to.extra_config = extra;
	/* the .config lines, checked as a replay reads them */
	if (cli_new_cfg(&to.check, &err) != SIM_OK)
		goto fail;
	rc = trc_text_asm(argv[optind], out, &to, &err);
	cfg_free(to.check);
	sim_free(extra);
	cfg_free(c);
	return rc == SIM_OK ? 0 : cli_fail("asm", &err);
fail:
	sim_free(extra);
	cfg_free(c);
	return cli_fail("asm", &err);
}
