/*
 * libFuzzer entry point for the trace reader: the input is a whole .dtr file
 * image, opened in memory and read to the end of every stream, then once
 * more after a rewind.  Any crash, leak, sanitizer report or record that
 * breaks record.h's rules is a finding.  See tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "traces/codec.h"
#include "traces/trace.h"

static void read_all(trc_reader *r)
{
	struct sim_err err = { 0 };
	for (uint32_t s = 0; s < trc_reader_info(r)->nstreams; s++) {
		const struct trc_rec *recs;
		size_t n;
		do {
			if (trc_next_block(r, s, &recs, &n, &err) != SIM_OK)
				break;
			for (size_t i = 0; i < n; i++)
				if (trc_rec_check(&recs[i]) != NULL)
					abort();   /* the decoder let an invalid record through */
		} while (n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_err err = { 0 };
	trc_reader *r;

	if (trc_reader_open_mem(&r, "fuzz.dtr", data, size, &err) != SIM_OK)
		return 0;
	read_all(r);
	trc_rewind(r);
	read_all(r);
	trc_reader_close(r);
	return 0;
}
