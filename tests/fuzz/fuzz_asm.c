/*
 * libFuzzer entry point for the text form's record parser (disco asm): each
 * input line is parsed; a parsed record must pass record.h's rules, and its
 * text, formatted back, must parse to the same record.  Any crash, leak or
 * sanitizer report is a finding.  See tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "traces/codec.h"
#include "traces/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct trc_rec r, back;
		char why[256], buf[200];
		if (trc_text_parse(line, &r, why, sizeof why) != 0)
			continue;
		if (trc_rec_check(&r) != NULL)
			abort();   /* the parser let an invalid record through */
		trc_text_format(&r, buf, sizeof buf);
		if (trc_text_parse(buf, &back, why, sizeof why) != 0 || memcmp(&r, &back, sizeof r))
			abort();   /* dump and asm disagree */
	}
	free(text);
	return 0;
}
