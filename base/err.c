/* Error messages and codes; see err.h. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sim_errf(struct sim_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int sim_err_prefix(struct sim_err *err, const char *fmt, ...)
{
	char head[SIM_ERR_MSG], old[SIM_ERR_MSG];
	va_list ap;

	if (!err)
		return SIM_OK;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s: %s", head, old);
	return err->code;
}

void sim_err_clear(struct sim_err *err)
{
	if (err) {
		err->code = SIM_OK;
		err->msg[0] = '\0';
	}
}

const char *sim_strerror(int code)
{
	switch (code) {
	case SIM_OK: return "success";
	case SIM_EINVAL: return "invalid input";
	case SIM_ECORRUPT: return "corrupt file";
	case SIM_EVERSION: return "unsupported version";
	case SIM_EIO: return "input/output error";
	case SIM_ENOMEM: return "out of memory";
	case SIM_ENOTSUP: return "not supported";
	case SIM_EINTERNAL: return "internal error";
	}
	return "unknown error";
}

int sim_exit_status(int code)
{
	switch (code) {
	case SIM_OK: return 0;
	case SIM_EINVAL: case SIM_ECORRUPT: case SIM_EVERSION: return 2;
	}
	return 1;
}
