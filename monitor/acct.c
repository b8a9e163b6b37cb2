/* Names of the time categories and of a service's parts. */
#include "monitor/acct.h"

static const char *const cat_names[ACCT_NCATS] = { "user", "kernel", "kernel_sync", "monitor", "idle" };
static const char *const split_names[ACCT_NSPLITS] = {
	"kernel", "tlb_writes", "other_privs", "monitor_services", "kernel_tlb_faults",
};

const char *acct_cat_name(int cat) { return cat >= 0 && cat < ACCT_NCATS ? cat_names[cat] : "?"; }
const char *acct_split_name(int s) { return s >= 0 && s < ACCT_NSPLITS ? split_names[s] : "?"; }
