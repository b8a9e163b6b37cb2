/* The trace format's knobs: how a writer cuts and compresses its streams. */
#include "traces/params.h"

static const struct param_def defs[] = {
	{ "trace.chunk_size", PARAM_SIZE, "1M", 4096, 16.0 * 1024 * 1024, NULL, "bytes",
	  "raw (uncompressed) bytes per chunk; bounds the reader's memory per stream" },
	{ "trace.zstd_level", PARAM_INT, "3", 1, 19, NULL, "", "zstd compression level" },
};

const struct param_table trace_param_table = { "trace", defs, sizeof defs / sizeof defs[0] };
