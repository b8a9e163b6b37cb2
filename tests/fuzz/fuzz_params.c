/*
 * libFuzzer entry point for the parameter parser (config files, --set, a
 * trace header's configuration): each input is parsed as a config file's
 * text into a configuration of the trace parameters.  Any crash, leak or
 * sanitizer report is a finding; an error is an answer.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/params.h"
#include "traces/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct param_table *const tables[] = { &trace_param_table, NULL };
	struct sim_err err = { 0 };
	cfg *c;
	if (cfg_new(&c, tables, &err) != SIM_OK)
		return 0;
	cfg_parse_text(c, (const char *)data, size, "fuzz.conf", &err);
	cfg_free(c);
	return 0;
}
